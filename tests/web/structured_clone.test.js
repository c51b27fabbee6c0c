// structuredClone (HTML, "Structured serialization and deserialization"), after WPT's
// html/webappapis/structured-clone tests (structured-clone-battery-of-tests.js) and
// html/infrastructure/safe-passing-of-structured-data.

test('primitives clone to themselves', () => {
  for (const value of [undefined, null, true, false, 0, -0, 1.5, NaN, Infinity, 2n ** 70n,
    '', 'text', '\ud800 lone surrogate', 'x'.repeat(100000)]) {
    assert(Object.is(structuredClone(value), value), String(value));
  }
});

test('plain objects and arrays are copied deeply, own enumerable string keys only', () => {
  const sym = Symbol('s');
  const source = { a: 1, nested: { b: [1, 2, { c: 'd' }] }, [sym]: 'dropped' };
  Object.defineProperty(source, 'hidden', { value: 1, enumerable: false });
  const clone = structuredClone(source);
  assert(clone !== source && clone.nested !== source.nested);
  assertEquals(clone, { a: 1, nested: { b: [1, 2, { c: 'd' }] } });
  assertEquals(Object.getOwnPropertySymbols(clone).length, 0);
  assertEquals('hidden' in clone, false);
  const sparse = [1, , 3];
  sparse.extra = 'kept';
  const sparseClone = structuredClone(sparse);
  assertEquals(sparseClone.length, 3);
  assertEquals(1 in sparseClone, false);
  assertEquals(sparseClone.extra, 'kept');
});

test('prototypes are not kept: class instances become plain objects', () => {
  class Point {
    constructor() { this.x = 1; }
    get double() { return 2; }
  }
  const clone = structuredClone(new Point());
  assertEquals(Object.getPrototypeOf(clone), Object.prototype);
  assertEquals(clone, { x: 1 });
});

test('getters run once; accessors become data properties', () => {
  let reads = 0;
  const clone = structuredClone({ get value() { reads++; return 42; } });
  assertEquals(reads, 1);
  assertEquals(Object.getOwnPropertyDescriptor(clone, 'value').value, 42);
});

test('cycles and shared references are kept', () => {
  const shared = { s: 1 };
  const source = { left: shared, right: shared };
  source.self = source;
  const clone = structuredClone(source);
  assert(clone.self === clone, 'cycle');
  assert(clone.left === clone.right, 'shared');
  assert(clone.left !== shared);
  const list = [];
  list.push(list);
  const listClone = structuredClone(list);
  assert(listClone[0] === listClone);
});

test('Map, Set, Date, RegExp and wrapper objects', () => {
  const key = { k: 1 };
  const map = new Map([[key, 'v'], ['x', new Set([1, 2])]]);
  const mapClone = structuredClone(map);
  assert(mapClone instanceof Map);
  const [[clonedKey, value], [x, set]] = [...mapClone];
  assertEquals([clonedKey, value, x], [{ k: 1 }, 'v', 'x']);
  assert(clonedKey !== key);
  assert(set instanceof Set);
  assertEquals([...set], [1, 2]);
  const date = new Date(1234567890123);
  const dateClone = structuredClone(date);
  assert(dateClone instanceof Date && dateClone !== date);
  assertEquals(dateClone.getTime(), 1234567890123);
  assert(Number.isNaN(structuredClone(new Date(NaN)).getTime()));
  const regexp = /a+b/giu;
  regexp.lastIndex = 3;
  const regexpClone = structuredClone(regexp);
  assert(regexpClone instanceof RegExp && regexpClone !== regexp);
  assertEquals([regexpClone.source, regexpClone.flags, regexpClone.lastIndex], ['a+b', 'giu', 0]);
  for (const wrapper of [new Number(3), new String('s'), new Boolean(false), Object(5n)]) {
    const clone = structuredClone(wrapper);
    assertEquals(typeof clone, 'object');
    assertEquals(clone.valueOf(), wrapper.valueOf());
  }
});

test('ArrayBuffers and views are copied, sharing as in the source', () => {
  const buffer = new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8]).buffer;
  const source = {
    buffer,
    bytes: new Uint8Array(buffer, 2, 4),
    words: new Uint16Array(buffer, 0, 2),
    view: new DataView(buffer, 1, 2),
    floats: new Float64Array([1.5, -0]),
    bigs: new BigInt64Array([-1n]),
  };
  const clone = structuredClone(source);
  assert(clone.buffer !== buffer);
  assert(clone.bytes.buffer === clone.buffer, 'views share the cloned buffer');
  assert(clone.words.buffer === clone.buffer && clone.view.buffer === clone.buffer);
  assertEquals([...clone.bytes], [3, 4, 5, 6]);
  assertEquals([clone.view.byteOffset, clone.view.byteLength], [1, 2]);
  assertEquals([...clone.words], [...source.words]);
  assert(Object.is(clone.floats[1], -0));
  assertEquals(clone.bigs[0], -1n);
  new Uint8Array(buffer)[0] = 99;
  assertEquals(new Uint8Array(clone.buffer)[0], 1, 'a copy');
});

test('errors are cloned with their type, message and stack', () => {
  for (const Ctor of [Error, EvalError, RangeError, ReferenceError, SyntaxError, TypeError,
    URIError]) {
    const error = new Ctor('went wrong');
    const clone = structuredClone(error);
    assert(clone instanceof Ctor, Ctor.name);
    assert(clone !== error);
    assertEquals([clone.name, clone.message], [Ctor.name, 'went wrong']);
    assertEquals(typeof clone.stack, 'string');
  }
  // Other names fall back to Error.
  class CustomError extends Error {}
  const custom = structuredClone(new CustomError('c'));
  assertEquals(Object.getPrototypeOf(custom), Error.prototype);
});

test('DOMException is serializable', () => {
  const error = new DOMException('it broke', 'NotFoundError');
  const clone = structuredClone(error);
  assert(clone instanceof DOMException, 'a DOMException');
  assert(clone !== error);
  assertEquals([clone.name, clone.message, clone.code], ['NotFoundError', 'it broke', 8]);
  assertEquals(clone.stack, error.stack);
  const nested = structuredClone({ list: [error, error] });
  assert(nested.list[0] instanceof DOMException && nested.list[0] === nested.list[1]);
  // Through a reason it carries, too.
  const reason = structuredClone(AbortSignal.abort().reason);
  assertEquals(reason.name, 'AbortError');
});

test('what cannot be cloned throws a DataCloneError', () => {
  const uncloneable = [
    () => {}, function named() {}, Symbol('s'), { f() {} }, [Symbol.iterator],
    new WeakMap(), new WeakSet(), Promise.resolve(), new Proxy({}, {}),
  ];
  for (let i = 0; i < uncloneable.length; i++) {
    const error = assertThrows(() => structuredClone(uncloneable[i]), 'DataCloneError',
      `case ${i}`);
    assertEquals(error.code, 25);
  }
  assertThrows(() => structuredClone({ nested: { deeper: () => {} } }), 'DataCloneError');
  assertThrows(() => structuredClone(new SharedArrayBuffer(8)), 'DataCloneError');
});

test('exceptions thrown while serializing propagate as they are', () => {
  const thrown = new Error('from a getter');
  let caught;
  try {
    structuredClone({ get x() { throw thrown; } });
  } catch (error) {
    caught = error;
  }
  assertEquals(caught, thrown);
});

test('transfer moves ArrayBuffers and detaches the originals', () => {
  const buffer = new Uint8Array([1, 2, 3]).buffer;
  const view = new Uint8Array(buffer);
  const clone = structuredClone({ buffer, view }, { transfer: [buffer] });
  assertEquals(buffer.byteLength, 0, 'detached');
  assertEquals(view.length, 0);
  assertEquals(clone.buffer.byteLength, 3);
  assertEquals([...clone.view], [1, 2, 3]);
  assert(clone.view.buffer === clone.buffer);
  // A transferred buffer that the value does not hold is detached all the same.
  const other = new ArrayBuffer(4);
  assertEquals(structuredClone(1, { transfer: [other] }), 1);
  assertEquals(other.byteLength, 0);
});

test('transfer list errors', () => {
  const buffer = new ArrayBuffer(4);
  assertThrows(() => structuredClone(1, { transfer: [buffer, buffer] }), 'DataCloneError');
  assertEquals(buffer.byteLength, 4, 'nothing detached after a failure');
  assertThrows(() => structuredClone(1, { transfer: [new Uint8Array(4)] }), 'DataCloneError');
  assertThrows(() => structuredClone(1, { transfer: [{}] }), 'DataCloneError');
  assertThrows(() => structuredClone(1, { transfer: [new SharedArrayBuffer(4)] }),
    'DataCloneError');
  assertThrows(() => structuredClone(1, { transfer: [1] }), TypeError);
  assertThrows(() => structuredClone(1, { transfer: 5 }), TypeError);
  assertThrows(() => structuredClone(1, 5), TypeError);
  const detached = new ArrayBuffer(1);
  structuredClone(0, { transfer: [detached] });
  assertThrows(() => structuredClone(detached), 'DataCloneError');
  assertThrows(() => structuredClone(0, { transfer: [detached] }), 'DataCloneError');
  // The value's getters run before the transfer: detaching a listed buffer there fails it.
  const victim = new ArrayBuffer(8);
  assertThrows(() => structuredClone({
    get x() { structuredClone(0, { transfer: [victim] }); return 1; },
  }, { transfer: [victim] }), 'DataCloneError');
  assertEquals(structuredClone(7, {}), 7);
  assertEquals(structuredClone(7, { transfer: [] }), 7);
  assertEquals(structuredClone(7, null), 7);
});

test('structuredClone needs a value; it is a plain global function', () => {
  assertThrows(() => structuredClone(), TypeError);
  assertEquals(structuredClone.length, 1);
  assertEquals(typeof structuredClone, 'function');
  assertEquals(Object.keys(globalThis).includes('structuredClone'), false);
});

test('deeply nested values end in a RangeError, not a crash', () => {
  let value = {};
  for (let i = 0; i < 100000; i++) value = { value };
  assertThrows(() => structuredClone(value), RangeError);
});
