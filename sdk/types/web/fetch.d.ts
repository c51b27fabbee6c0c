// Hearth globals: Headers, Request, Response (WHATWG Fetch Standard). There is no fetch()
// function: outbound requests are planned, not there yet.

type HeadersInit =
  | Headers
  | ReadonlyArray<readonly [string, string]>
  | Iterable<readonly [string, string]>
  | Record<string, string>;

declare class Headers implements Iterable<[string, string]> {
  constructor(init?: HeadersInit);
  append(name: string, value: string): void;
  delete(name: string): void;
  /** The values of `name` joined with ", ", or null. */
  get(name: string): string | null;
  /** Each Set-Cookie value on its own (they cannot be joined with commas). */
  getSetCookie(): string[];
  has(name: string): boolean;
  set(name: string, value: string): void;
  forEach(callback: (value: string, name: string, parent: Headers) => void, thisArg?: unknown): void;
  /** Lowercase names, sorted, Set-Cookie values apart. */
  entries(): IterableIterator<[string, string]>;
  keys(): IterableIterator<string>;
  values(): IterableIterator<string>;
  [Symbol.iterator](): IterableIterator<[string, string]>;
}

/** What a Request or a Response can be made with. A string is sent as UTF-8 text. */
type BodyInit =
  | string
  | ArrayBuffer
  | ArrayBufferView
  | Blob
  | FormData
  | URLSearchParams
  | ReadableStream<Uint8Array>;

/** Reading a body: once, by any one of these (then `bodyUsed` is true). */
interface Body {
  /** The body as a stream of bytes, or null when there is none. */
  readonly body: ReadableStream<Uint8Array> | null;
  readonly bodyUsed: boolean;
  arrayBuffer(): Promise<ArrayBuffer>;
  blob(): Promise<Blob>;
  bytes(): Promise<Uint8Array>;
  formData(): Promise<FormData>;
  /** `JSON.parse` of the text; a SyntaxError rejects it. Name the type you expect as T. */
  json<T = any>(): Promise<T>;
  text(): Promise<string>;
}

interface RequestInit {
  method?: string;
  headers?: HeadersInit;
  /** Not allowed with GET or HEAD. */
  body?: BodyInit | null;
}

interface Request extends Body {}
declare class Request {
  constructor(input: string | URL | Request, init?: RequestInit);
  /** Uppercase for the standard methods (GET, POST, ...). */
  readonly method: string;
  /** Absolute: `new URL(request.url)` to read its path and query. */
  readonly url: string;
  /** An incoming request's headers are immutable: copy them to change them. */
  readonly headers: Headers;
  clone(): Request;
}

interface ResponseInit {
  status?: number;
  statusText?: string;
  headers?: HeadersInit;
}

type ResponseType = 'basic' | 'cors' | 'default' | 'error' | 'opaque' | 'opaqueredirect';

interface Response extends Body {}
declare class Response {
  constructor(body?: BodyInit | null, init?: ResponseInit);
  /** A network error; Hearth refuses it as a handler's answer. */
  static error(): Response;
  /** A redirect to `url` (made absolute) with `status` 301, 302 (the default), 303, 307 or 308. */
  static redirect(url: string | URL, status?: 301 | 302 | 303 | 307 | 308): Response;
  /** `data` as JSON, with content-type application/json unless `init` sets one. */
  static json(data: unknown, init?: ResponseInit): Response;
  readonly type: ResponseType;
  readonly url: string;
  readonly redirected: boolean;
  readonly status: number;
  /** Whether the status is 200 to 299. */
  readonly ok: boolean;
  readonly statusText: string;
  readonly headers: Headers;
  clone(): Response;
}
