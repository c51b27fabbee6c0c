// Hearth globals: console, the timers and queueMicrotask (HTML), structuredClone (HTML),
// performance (High Resolution Time).

/** What a function logs: captured into the invocation's execution report, by level. */
interface Console {
  log(...data: unknown[]): void;
  info(...data: unknown[]): void;
  warn(...data: unknown[]): void;
  error(...data: unknown[]): void;
  debug(...data: unknown[]): void;
  trace(...data: unknown[]): void;
  /** Logs `data` as an error when `condition` is falsy. */
  assert(condition?: boolean, ...data: unknown[]): void;
  table(...data: unknown[]): void;
  dir(...data: unknown[]): void;
  dirxml(...data: unknown[]): void;
  count(label?: string): void;
  countReset(label?: string): void;
  group(...data: unknown[]): void;
  groupCollapsed(...data: unknown[]): void;
  groupEnd(): void;
  time(label?: string): void;
  timeLog(label?: string, ...data: unknown[]): void;
  timeEnd(label?: string): void;
}
declare var console: Console;

// Timers belong to the invocation that sets them: they fire on the worker's event loop
// while it runs (before its response, or after it for ctx.waitUntil work) and are
// cancelled when it ends. They cannot be set at a module's top level. A callback must be a
// function: strings are never compiled as code. Extra arguments are passed to the callback
// unchecked, so that `new Promise((resolve) => setTimeout(resolve, ms))` type-checks.

/** Calls `callback(...args)` once, after at least `delay` milliseconds. Returns its id. */
declare function setTimeout(callback: (...args: any[]) => void, delay?: number, ...args: any[]): number;
/** Calls `callback(...args)` every `delay` milliseconds until cleared. Returns its id. */
declare function setInterval(callback: (...args: any[]) => void, delay?: number, ...args: any[]): number;
declare function clearTimeout(id?: number | null): void;
declare function clearInterval(id?: number | null): void;
/** Runs `callback` after the current task, before any timer. */
declare function queueMicrotask(callback: () => void): void;

interface StructuredSerializeOptions {
  /** ArrayBuffers whose memory moves to the clone (the originals are detached). */
  transfer?: ArrayBuffer[];
}
/**
 * A deep copy of `value` by the HTML structured clone algorithm: objects, arrays, Map, Set,
 * Date, RegExp, typed arrays, errors, DOMException; a function or symbol throws a
 * "DataCloneError" DOMException. Class instances come back as plain objects.
 */
declare function structuredClone<T = any>(value: T, options?: StructuredSerializeOptions): T;

interface Performance extends EventTarget {
  /** Milliseconds since `timeOrigin`, coarsened to 0.1 ms. */
  now(): number;
  /** When this isolate started serving its function, in milliseconds since the epoch. */
  readonly timeOrigin: number;
  toJSON(): { timeOrigin: number };
}
declare var performance: Performance;
