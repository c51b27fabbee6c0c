// TypeScript declarations for Hearth functions: the handler shapes, the ExecutionContext, a
// typed `env`, and the Web API globals a function sees (PRODUCT.md section 5). README.md
// beside this file shows how to use them from TypeScript and from plain JavaScript.
//
// The choice: Hearth's own declarations of its globals, on top of TypeScript's ECMAScript
// library alone (`"lib": ["es2022"]`, the language V8 10.2 runs), rather than on
// lib.dom.d.ts or lib.webworker.d.ts. Those describe a browser or a web worker: fetch(),
// caches, WebSocket, indexedDB, importScripts, self/postMessage, navigator, location,
// XMLHttpRequest, Worker, BroadcastChannel, MessageChannel and more that a Hearth function
// does not have, and a global that a lib declares cannot be taken back out. With them,
// `await fetch(url)` would type-check and throw at run time; with these files it is an error
// at the keyboard ("Cannot find name 'fetch'"). Members follow what Hearth implements too:
// crypto.subtle has SHA digests and HMAC keys only, so `subtle.encrypt(...)` or an 'MD5'
// digest does not type-check either.
//
// Globals declared (values): Request, Response, Headers, URL, URLSearchParams, TextEncoder,
// TextDecoder, TextEncoderStream, TextDecoderStream, atob, btoa, console, setTimeout,
// clearTimeout, setInterval, clearInterval, queueMicrotask, structuredClone, crypto,
// AbortController, AbortSignal, Event, EventTarget, performance, Blob, File, FormData,
// ReadableStream, WritableStream, TransformStream, DOMException. Everything else here (the
// stream readers and controllers, SubtleCrypto, CryptoKey, Console, ...) is a type only.
// Not declared, because Hearth does not have them yet: outbound fetch() (planned), caches,
// WebSocket, Node's process/require/Buffer, and the DOM.
//
// For TypeScript 5.0 and later: tested with the version pinned in
// tools/typecheck/package.json, and tried with 5.0.4 and 5.9.3. A global script (no import or export), so that every name
// here is global, as in the isolate.

/// <reference path="web/events.d.ts" />
/// <reference path="web/encoding.d.ts" />
/// <reference path="web/url.d.ts" />
/// <reference path="web/streams.d.ts" />
/// <reference path="web/blob.d.ts" />
/// <reference path="web/fetch.d.ts" />
/// <reference path="web/crypto.d.ts" />
/// <reference path="web/globals.d.ts" />

/**
 * Deploy-time variables (`hearthctl deploy --env NAME=value`), as the handler's `env` sees
 * them when it declares no type of its own: every value is a string.
 */
type HearthEnv = { readonly [name: string]: string | undefined };

/** A value, or a promise (or any thenable) of one: what a handler may return. */
type Awaitable<T> = T | PromiseLike<T>;

/**
 * A JSON answer: an array, or an object with string keys, which Hearth sends with
 * `JSON.stringify` as `application/json`. An object typed by an interface is not accepted
 * (TypeScript gives interfaces no index signature): give it a type alias, or return
 * `Response.json(value)`.
 */
type JsonBody = readonly unknown[] | { readonly [key: string]: unknown };

/**
 * What a handler answers with. A `Response` runs anywhere (Workers, Deno Deploy); the
 * others are Hearth's shorthands: a string is text/plain, bytes are
 * application/octet-stream, an object or array is JSON.
 */
type HandlerResult = Response | string | ArrayBuffer | ArrayBufferView | JsonBody;

/** The third argument of every handler: the invocation's own controls. */
interface ExecutionContext {
  /**
   * Keeps the invocation going after its response until `promise` settles, within the
   * function's CPU and wall-clock limits; a rejection is not reported to the caller.
   */
  waitUntil(promise: PromiseLike<unknown>): void;
  /** Accepted for portability; does nothing yet (Hearth has no origin to fall back to). */
  passThroughOnException(): void;
}

/** A plain function default export: `export default (request, env, ctx) => ...`. */
type HandlerFunction<Env = HearthEnv> = (
  request: Request,
  env: Env,
  ctx: ExecutionContext,
) => Awaitable<HandlerResult>;

/** An object default export with a `fetch` method, as on Cloudflare Workers. */
interface ExportedHandler<Env = HearthEnv> {
  fetch(request: Request, env: Env, ctx: ExecutionContext): Awaitable<HandlerResult>;
}
