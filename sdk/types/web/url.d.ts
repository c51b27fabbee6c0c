// Hearth globals: URL and URLSearchParams (WHATWG URL Standard).

declare class URL {
  constructor(url: string | URL, base?: string | URL);
  /** Whether `new URL(url, base)` would succeed, without throwing. */
  static canParse(url: string | URL, base?: string | URL): boolean;
  /** `new URL(url, base)`, or null where that would throw. */
  static parse(url: string | URL, base?: string | URL): URL | null;
  href: string;
  readonly origin: string;
  protocol: string;
  username: string;
  password: string;
  host: string;
  hostname: string;
  port: string;
  pathname: string;
  search: string;
  /** The query, live: changing it changes `search` and `href`. */
  readonly searchParams: URLSearchParams;
  hash: string;
  toString(): string;
  toJSON(): string;
}

type URLSearchParamsInit =
  | string
  | URLSearchParams
  | ReadonlyArray<readonly [string, string]>
  | Iterable<readonly [string, string]>
  | Record<string, string>;

declare class URLSearchParams implements Iterable<[string, string]> {
  constructor(init?: URLSearchParamsInit);
  readonly size: number;
  append(name: string, value: string): void;
  delete(name: string, value?: string): void;
  get(name: string): string | null;
  getAll(name: string): string[];
  has(name: string, value?: string): boolean;
  set(name: string, value: string): void;
  sort(): void;
  forEach(
    callback: (value: string, name: string, parent: URLSearchParams) => void,
    thisArg?: unknown,
  ): void;
  entries(): IterableIterator<[string, string]>;
  keys(): IterableIterator<string>;
  values(): IterableIterator<string>;
  [Symbol.iterator](): IterableIterator<[string, string]>;
  /** The query as application/x-www-form-urlencoded, without a leading "?". */
  toString(): string;
}
