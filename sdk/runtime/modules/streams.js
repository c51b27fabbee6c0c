// Streams Standard (https://streams.spec.whatwg.org/): ReadableStream with its default and
// byte controllers, default and BYOB readers, tee, pipeTo, pipeThrough, async iteration and
// ReadableStream.from; WritableStream; TransformStream; the two queuing strategies.
//
// Each public object holds one private record (null prototype) with the specification's
// internal slots, and the abstract operations below work on records, named as in the
// specification so that each can be checked against it. Nothing here goes through a
// prototype the user can patch: records have none, promises are made and chained with
// primordials, and the runtime reads a body through read requests (callbacks), never
// through reader.read().
'use strict';
(function hearthStreams(rt) {
  const {
    ObjectCreate, ObjectDefineProperty, ObjectGetPrototypeOf, ObjectSetPrototypeOf, ReflectApply,
    TypeErrorCtor, RangeErrorCtor, PromiseCtor, PromisePrototypeThen, SymbolIterator,
    SymbolAsyncIterator, Uint8ArrayCtor, TypedArrayPrototypeGetBuffer,
    TypedArrayPrototypeGetByteOffset, TypedArrayPrototypeGetByteLength, TypedArrayPrototypeGetTag,
    TypedArrayPrototypeSet, ArrayBufferIsView, ArrayBufferPrototypeGetByteLength,
    DataViewPrototypeGetBuffer, DataViewPrototypeGetByteOffset, DataViewPrototypeGetByteLength,
    MathMin, MathTrunc, NumberIsFinite,
  } = rt.primordials;
  const {
    newList, append, isObject, resolvedPromise, rejectedPromise, toDictionary, member,
    webidlClass, transferArrayBuffer, isDetachedBuffer, attempt,
  } = rt;

  const kInternal = ObjectCreate(null); // constructor argument for internal construction
  // %AsyncIteratorPrototype%, through an async generator's prototype chain (the intrinsics'
  // links cannot be replaced by assignment).
  const AsyncIteratorPrototype = ObjectGetPrototypeOf(
    ObjectGetPrototypeOf((async function* () {}).prototype));
  const noop = () => {};

  // ===== Promises ==========================================================================

  // A promise with its resolving functions and whether it is still pending (some steps
  // act only on a pending promise).
  function newCapability() {
    const capability = { __proto__: null, promise: null, resolve: null, reject: null,
      settled: false };
    capability.promise = new PromiseCtor((resolve, reject) => {
      capability.resolve = (value) => {
        if (capability.settled) return;
        capability.settled = true;
        resolve(value);
      };
      capability.reject = (reason) => {
        if (capability.settled) return;
        capability.settled = true;
        reject(reason);
      };
    });
    return capability;
  }
  function resolvedCapability(value) {
    const capability = newCapability();
    capability.resolve(value);
    return capability;
  }
  function rejectedCapability(reason) {
    const capability = newCapability();
    capability.reject(reason);
    markHandled(capability.promise);
    return capability;
  }
  // The specification's "set promise.[[PromiseIsHandled]] to true".
  const markHandled = (promise) => {
    attempt(() => PromisePrototypeThen(promise, undefined, noop));
  };
  // "Upon fulfillment / rejection": `then` with the primordial, returning the new promise.
  // It fails only where the user broke Promise.prototype.constructor; the stream then
  // stalls, which the invocation's deadline ends.
  function react(promise, onFulfilled, onRejected) {
    try {
      return PromisePrototypeThen(promise, onFulfilled, onRejected);
    } catch (error) {
      return rejectedPromise(error);
    }
  }
  const uponPromise = (promise, onFulfilled, onRejected) => {
    markHandled(react(promise, onFulfilled, onRejected));
  };
  // WebIDL's "a promise resolved with": always a new promise, which adopts a thenable.
  const promiseResolve = resolvedPromise;
  // Calls a user callback whose WebIDL return type is a Promise: exceptions become
  // rejections.
  function promiseCall(fn, thisArg, args) {
    try {
      return promiseResolve(ReflectApply(fn, thisArg, args));
    } catch (error) {
      return rejectedPromise(error);
    }
  }
  // A microtask, without the (patchable) global queueMicrotask.
  const queueMicrotask = (fn) => { react(resolvedPromise(undefined), fn); };

  const iterResult = (value, done) => ({ value, done });

  // ===== WebIDL conversions ================================================================

  function toCallback(value, what) {
    if (value === undefined) return undefined;
    if (typeof value !== 'function') throw new TypeErrorCtor(`${what} must be a function`);
    return value;
  }
  // The `object` type: any object; `undefined` when optional and absent.
  function toObjectOrUndefined(value, what) {
    if (value === undefined) return undefined;
    if (!isObject(value)) throw new TypeErrorCtor(`${what} must be an object`);
    return value;
  }
  const toUnrestrictedDouble = (value) => +value;
  function toEnforceRangeULL(value, what) {
    const number = +value;
    if (!NumberIsFinite(number)) throw new TypeErrorCtor(`${what} must be a finite number`);
    const integer = MathTrunc(number);
    if (integer < 0 || integer > 2 ** 53 - 1) {
      throw new TypeErrorCtor(`${what} is outside the range of an unsigned long long`);
    }
    return integer;
  }

  // QueuingStrategy: { highWaterMark, size }, read in that (lexicographic) order.
  function toQueuingStrategy(value) {
    const dictionary = toDictionary(value, 'The strategy');
    const highWaterMark = member(dictionary, 'highWaterMark');
    const size = member(dictionary, 'size');
    return {
      __proto__: null,
      highWaterMark: highWaterMark === undefined ? undefined : toUnrestrictedDouble(highWaterMark),
      size: toCallback(size, 'The strategy\'s size'),
    };
  }
  function extractHighWaterMark(strategy, defaultHWM) {
    if (strategy.highWaterMark === undefined) return defaultHWM;
    const hwm = strategy.highWaterMark;
    if (hwm !== hwm || hwm < 0) throw new RangeErrorCtor('Invalid highWaterMark');
    return hwm;
  }
  function extractSizeAlgorithm(strategy) {
    const size = strategy.size;
    if (size === undefined) return () => 1;
    return (chunk) => toUnrestrictedDouble(ReflectApply(size, undefined, [chunk]));
  }

  // ===== Queues ============================================================================
  //
  // A list with a moving head: shift is O(1), and the consumed front is dropped once it is
  // most of the list.

  const newQueue = () => ({ __proto__: null, items: newList(), head: 0 });
  const queueLength = (queue) => queue.items.length - queue.head;
  const queuePush = (queue, value) => append(queue.items, value);
  const queuePeek = (queue) => queue.items[queue.head];
  function queueShift(queue) {
    const items = queue.items;
    const value = items[queue.head];
    items[queue.head++] = undefined;
    if (queue.head === items.length) {
      queue.items = newList();
      queue.head = 0;
    } else if (queue.head >= 1024 && queue.head * 2 >= items.length) {
      const rest = newList();
      for (let i = queue.head; i < items.length; i++) append(rest, items[i]);
      queue.items = rest;
      queue.head = 0;
    }
    return value;
  }
  // Takes every entry out, for steps that run each one once.
  function queueDrain(queue) {
    const list = newList();
    for (let i = queue.head; i < queue.items.length; i++) append(list, queue.items[i]);
    queue.items = newList();
    queue.head = 0;
    return list;
  }

  // Queue-with-sizes, on a container with `queue` and `queueTotalSize`.
  function enqueueValueWithSize(container, value, size) {
    if (typeof size !== 'number' || size !== size || size < 0) {
      throw new RangeErrorCtor('The size of a chunk must be a non-negative number');
    }
    if (size === Infinity) throw new RangeErrorCtor('The size of a chunk must be finite');
    queuePush(container.queue, { __proto__: null, value, size });
    container.queueTotalSize += size;
  }
  function dequeueValue(container) {
    const pair = queueShift(container.queue);
    container.queueTotalSize -= pair.size;
    if (container.queueTotalSize < 0) container.queueTotalSize = 0; // rounding errors
    return pair.value;
  }
  const peekQueueValue = (container) => queuePeek(container.queue).value;
  function resetQueue(container) {
    container.queue = newQueue();
    container.queueTotalSize = 0;
  }

  // ===== Bytes =============================================================================

  // { buffer, byteOffset, byteLength } of a view, or null if `value` is not one.
  function viewParts(value) {
    if (!ArrayBufferIsView(value)) return null;
    if (TypedArrayPrototypeGetTag(value) !== undefined) {
      return {
        __proto__: null,
        buffer: TypedArrayPrototypeGetBuffer(value),
        byteOffset: TypedArrayPrototypeGetByteOffset(value),
        byteLength: TypedArrayPrototypeGetByteLength(value),
      };
    }
    return {
      __proto__: null,
      buffer: DataViewPrototypeGetBuffer(value),
      byteOffset: attempt(() => DataViewPrototypeGetByteOffset(value), 0),
      byteLength: attempt(() => DataViewPrototypeGetByteLength(value), 0),
    };
  }
  // The element size of a typed array (1 for a DataView), and its constructor's tag.
  const kElementSizes = {
    __proto__: null, Int8Array: 1, Uint8Array: 1, Uint8ClampedArray: 1, Int16Array: 2,
    Uint16Array: 2, Int32Array: 4, Uint32Array: 4, Float32Array: 4, Float64Array: 8,
    BigInt64Array: 8, BigUint64Array: 8,
  };
  // The constructors of view types, captured at load: a view made for a BYOB read is of
  // the caller's type, made with the intrinsic constructor.
  const kViewConstructors = { __proto__: null };
  {
    const names = ['Int8Array', 'Uint8Array', 'Uint8ClampedArray', 'Int16Array', 'Uint16Array',
      'Int32Array', 'Uint32Array', 'Float32Array', 'Float64Array', 'BigInt64Array',
      'BigUint64Array'];
    const typedArrays = rt.typedArrayConstructors;
    for (let i = 0; i < names.length; i++) kViewConstructors[names[i]] = typedArrays[names[i]];
    kViewConstructors.DataView = typedArrays.DataView;
  }
  function viewTypeOf(view) {
    const tag = TypedArrayPrototypeGetTag(view);
    return tag === undefined ? 'DataView' : tag;
  }
  const elementSizeOf = (type) => (type === 'DataView' ? 1 : kElementSizes[type]);
  const newView = (type, buffer, byteOffset, length) =>
    new kViewConstructors[type](buffer, byteOffset, length);
  function copyDataBlockBytes(toBuffer, toIndex, fromBuffer, fromIndex, count) {
    TypedArrayPrototypeSet(new Uint8ArrayCtor(toBuffer, toIndex, count),
      new Uint8ArrayCtor(fromBuffer, fromIndex, count));
  }
  // A copy of `count` bytes of a buffer, as a new ArrayBuffer.
  function cloneBufferBytes(buffer, byteOffset, count) {
    const copy = new Uint8ArrayCtor(count);
    TypedArrayPrototypeSet(copy, new Uint8ArrayCtor(buffer, byteOffset, count));
    return TypedArrayPrototypeGetBuffer(copy);
  }

  // ===== ReadableStream: records ==========================================================

  let newReadableStreamObject; // (record) => ReadableStream
  let readableStreamRecord; // (value) => record or null
  let newDefaultReaderObject; // (record) => ReadableStreamDefaultReader
  let newBYOBReaderObject; // (record) => ReadableStreamBYOBReader
  let newDefaultControllerObject; // (record) => ReadableStreamDefaultController
  let newByteControllerObject; // (record) => ReadableByteStreamController
  let newBYOBRequestObject; // (record) => ReadableStreamBYOBRequest

  function newReadableStreamRecord() {
    const stream = {
      __proto__: null,
      state: 'readable', // 'closed' | 'errored'
      reader: undefined,
      storedError: undefined,
      disturbed: false,
      controller: undefined,
      object: null,
    };
    stream.object = newReadableStreamObject(stream);
    return stream;
  }

  // CreateReadableStream.
  function createReadableStream(startAlgorithm, pullAlgorithm, cancelAlgorithm,
    highWaterMark = 1, sizeAlgorithm = () => 1) {
    const stream = newReadableStreamRecord();
    const controller = newDefaultControllerRecord();
    setUpReadableStreamDefaultController(stream, controller, startAlgorithm, pullAlgorithm,
      cancelAlgorithm, highWaterMark, sizeAlgorithm);
    return stream;
  }
  // CreateReadableByteStream.
  function createReadableByteStream(startAlgorithm, pullAlgorithm, cancelAlgorithm) {
    const stream = newReadableStreamRecord();
    const controller = newByteControllerRecord();
    setUpReadableByteStreamController(stream, controller, startAlgorithm, pullAlgorithm,
      cancelAlgorithm, 0, undefined);
    return stream;
  }

  const isReadableStreamLocked = (stream) => stream.reader !== undefined;

  function readableStreamCancel(stream, reason) {
    stream.disturbed = true;
    if (stream.state === 'closed') return resolvedPromise(undefined);
    if (stream.state === 'errored') return rejectedPromise(stream.storedError);
    readableStreamClose(stream);
    const reader = stream.reader;
    if (reader !== undefined && reader.kind === 'byob') {
      const requests = queueDrain(reader.readIntoRequests);
      for (let i = 0; i < requests.length; i++) requests[i].closeSteps(undefined);
    }
    const sourceCancelPromise = stream.controller.cancelSteps(reason);
    return react(sourceCancelPromise, noop);
  }

  function readableStreamClose(stream) {
    stream.state = 'closed';
    const reader = stream.reader;
    if (reader === undefined) return;
    reader.closed.resolve(undefined);
    if (reader.kind === 'default') {
      const requests = queueDrain(reader.readRequests);
      for (let i = 0; i < requests.length; i++) requests[i].closeSteps();
    }
  }

  function readableStreamError(stream, error) {
    stream.state = 'errored';
    stream.storedError = error;
    const reader = stream.reader;
    if (reader === undefined) return;
    reader.closed.reject(error);
    markHandled(reader.closed.promise);
    if (reader.kind === 'default') {
      readableStreamDefaultReaderErrorReadRequests(reader, error);
    } else {
      readableStreamBYOBReaderErrorReadIntoRequests(reader, error);
    }
  }

  const readableStreamAddReadRequest = (stream, readRequest) =>
    queuePush(stream.reader.readRequests, readRequest);
  const readableStreamAddReadIntoRequest = (stream, readIntoRequest) =>
    queuePush(stream.reader.readIntoRequests, readIntoRequest);

  function readableStreamFulfillReadRequest(stream, chunk, done) {
    const readRequest = queueShift(stream.reader.readRequests);
    if (done) readRequest.closeSteps();
    else readRequest.chunkSteps(chunk);
  }
  function readableStreamFulfillReadIntoRequest(stream, chunk, done) {
    const readIntoRequest = queueShift(stream.reader.readIntoRequests);
    if (done) readIntoRequest.closeSteps(chunk);
    else readIntoRequest.chunkSteps(chunk);
  }
  const readableStreamGetNumReadRequests = (stream) => queueLength(stream.reader.readRequests);
  const readableStreamGetNumReadIntoRequests = (stream) =>
    queueLength(stream.reader.readIntoRequests);
  const readableStreamHasDefaultReader = (stream) =>
    stream.reader !== undefined && stream.reader.kind === 'default';
  const readableStreamHasBYOBReader = (stream) =>
    stream.reader !== undefined && stream.reader.kind === 'byob';

  // ===== Readers ==========================================================================

  function newReaderRecord(kind) {
    const reader = {
      __proto__: null,
      kind, // 'default' | 'byob'
      stream: undefined,
      closed: null, // capability
      readRequests: kind === 'default' ? newQueue() : null,
      readIntoRequests: kind === 'byob' ? newQueue() : null,
      object: null,
    };
    reader.object = kind === 'default' ? newDefaultReaderObject(reader)
      : newBYOBReaderObject(reader);
    return reader;
  }

  function readableStreamReaderGenericInitialize(reader, stream) {
    reader.stream = stream;
    stream.reader = reader;
    if (stream.state === 'readable') {
      reader.closed = newCapability();
    } else if (stream.state === 'closed') {
      reader.closed = resolvedCapability(undefined);
    } else {
      reader.closed = rejectedCapability(stream.storedError);
    }
  }
  const readableStreamReaderGenericCancel = (reader, reason) =>
    readableStreamCancel(reader.stream, reason);

  function readableStreamReaderGenericRelease(reader) {
    const stream = reader.stream;
    const error = new TypeErrorCtor('The reader was released');
    if (stream.state === 'readable') {
      reader.closed.reject(error);
    } else {
      reader.closed = rejectedCapability(error);
    }
    markHandled(reader.closed.promise);
    stream.controller.releaseSteps();
    stream.reader = undefined;
    reader.stream = undefined;
  }

  function acquireReadableStreamDefaultReader(stream) {
    const reader = newReaderRecord('default');
    setUpReadableStreamDefaultReader(reader, stream);
    return reader;
  }
  function acquireReadableStreamBYOBReader(stream) {
    const reader = newReaderRecord('byob');
    setUpReadableStreamBYOBReader(reader, stream);
    return reader;
  }
  function setUpReadableStreamDefaultReader(reader, stream) {
    if (isReadableStreamLocked(stream)) {
      throw new TypeErrorCtor('The stream is locked to a reader');
    }
    readableStreamReaderGenericInitialize(reader, stream);
  }
  function setUpReadableStreamBYOBReader(reader, stream) {
    if (isReadableStreamLocked(stream)) {
      throw new TypeErrorCtor('The stream is locked to a reader');
    }
    if (stream.controller.kind !== 'byte') {
      throw new TypeErrorCtor('A BYOB reader needs a readable byte stream');
    }
    readableStreamReaderGenericInitialize(reader, stream);
  }

  function readableStreamDefaultReaderRead(reader, readRequest) {
    const stream = reader.stream;
    stream.disturbed = true;
    if (stream.state === 'closed') readRequest.closeSteps();
    else if (stream.state === 'errored') readRequest.errorSteps(stream.storedError);
    else stream.controller.pullSteps(readRequest);
  }
  function readableStreamDefaultReaderRelease(reader) {
    readableStreamReaderGenericRelease(reader);
    readableStreamDefaultReaderErrorReadRequests(reader,
      new TypeErrorCtor('The reader was released'));
  }
  function readableStreamDefaultReaderErrorReadRequests(reader, error) {
    const requests = queueDrain(reader.readRequests);
    for (let i = 0; i < requests.length; i++) requests[i].errorSteps(error);
  }

  function readableStreamBYOBReaderRead(reader, view, min, readIntoRequest) {
    const stream = reader.stream;
    stream.disturbed = true;
    if (stream.state === 'errored') readIntoRequest.errorSteps(stream.storedError);
    else readableByteStreamControllerPullInto(stream.controller, view, min, readIntoRequest);
  }
  function readableStreamBYOBReaderRelease(reader) {
    readableStreamReaderGenericRelease(reader);
    readableStreamBYOBReaderErrorReadIntoRequests(reader,
      new TypeErrorCtor('The reader was released'));
  }
  function readableStreamBYOBReaderErrorReadIntoRequests(reader, error) {
    const requests = queueDrain(reader.readIntoRequests);
    for (let i = 0; i < requests.length; i++) requests[i].errorSteps(error);
  }

  // A read request settling a promise with { value, done } (what reader.read() returns).
  function promiseReadRequest(capability) {
    return {
      __proto__: null,
      chunkSteps: (chunk) => capability.resolve(iterResult(chunk, false)),
      closeSteps: (chunk = undefined) => capability.resolve(iterResult(chunk, true)),
      errorSteps: (error) => capability.reject(error),
    };
  }

  // ===== ReadableStreamDefaultController ==================================================

  function newDefaultControllerRecord() {
    const controller = {
      __proto__: null,
      kind: 'default',
      stream: undefined,
      queue: newQueue(),
      queueTotalSize: 0,
      started: false,
      closeRequested: false,
      pullAgain: false,
      pulling: false,
      strategySizeAlgorithm: undefined,
      strategyHWM: 0,
      pullAlgorithm: undefined,
      cancelAlgorithm: undefined,
      cancelSteps: null,
      pullSteps: null,
      releaseSteps: noop,
      object: null,
    };
    controller.object = newDefaultControllerObject(controller);
    controller.cancelSteps = (reason) => {
      resetQueue(controller);
      const result = controller.cancelAlgorithm(reason);
      readableStreamDefaultControllerClearAlgorithms(controller);
      return result;
    };
    controller.pullSteps = (readRequest) => {
      const stream = controller.stream;
      if (queueLength(controller.queue) > 0) {
        const chunk = dequeueValue(controller);
        if (controller.closeRequested && queueLength(controller.queue) === 0) {
          readableStreamDefaultControllerClearAlgorithms(controller);
          readableStreamClose(stream);
        } else {
          readableStreamDefaultControllerCallPullIfNeeded(controller);
        }
        readRequest.chunkSteps(chunk);
      } else {
        readableStreamAddReadRequest(stream, readRequest);
        readableStreamDefaultControllerCallPullIfNeeded(controller);
      }
    };
    return controller;
  }

  function readableStreamDefaultControllerCallPullIfNeeded(controller) {
    if (!readableStreamDefaultControllerShouldCallPull(controller)) return;
    if (controller.pulling) {
      controller.pullAgain = true;
      return;
    }
    controller.pulling = true;
    const pullPromise = controller.pullAlgorithm();
    uponPromise(pullPromise, () => {
      controller.pulling = false;
      if (controller.pullAgain) {
        controller.pullAgain = false;
        readableStreamDefaultControllerCallPullIfNeeded(controller);
      }
    }, (error) => readableStreamDefaultControllerError(controller, error));
  }

  function readableStreamDefaultControllerShouldCallPull(controller) {
    const stream = controller.stream;
    if (!readableStreamDefaultControllerCanCloseOrEnqueue(controller)) return false;
    if (!controller.started) return false;
    if (isReadableStreamLocked(stream) && readableStreamGetNumReadRequests(stream) > 0) {
      return true;
    }
    return readableStreamDefaultControllerGetDesiredSize(controller) > 0;
  }

  function readableStreamDefaultControllerClearAlgorithms(controller) {
    controller.pullAlgorithm = undefined;
    controller.cancelAlgorithm = undefined;
    controller.strategySizeAlgorithm = undefined;
  }

  function readableStreamDefaultControllerClose(controller) {
    if (!readableStreamDefaultControllerCanCloseOrEnqueue(controller)) return;
    controller.closeRequested = true;
    if (queueLength(controller.queue) === 0) {
      readableStreamDefaultControllerClearAlgorithms(controller);
      readableStreamClose(controller.stream);
    }
  }

  function readableStreamDefaultControllerEnqueue(controller, chunk) {
    if (!readableStreamDefaultControllerCanCloseOrEnqueue(controller)) return;
    const stream = controller.stream;
    if (isReadableStreamLocked(stream) && readableStreamGetNumReadRequests(stream) > 0) {
      readableStreamFulfillReadRequest(stream, chunk, false);
    } else {
      let chunkSize;
      try {
        chunkSize = controller.strategySizeAlgorithm(chunk);
      } catch (error) {
        readableStreamDefaultControllerError(controller, error);
        throw error;
      }
      try {
        enqueueValueWithSize(controller, chunk, chunkSize);
      } catch (error) {
        readableStreamDefaultControllerError(controller, error);
        throw error;
      }
    }
    readableStreamDefaultControllerCallPullIfNeeded(controller);
  }

  function readableStreamDefaultControllerError(controller, error) {
    const stream = controller.stream;
    if (stream.state !== 'readable') return;
    resetQueue(controller);
    readableStreamDefaultControllerClearAlgorithms(controller);
    readableStreamError(stream, error);
  }

  function readableStreamDefaultControllerGetDesiredSize(controller) {
    const state = controller.stream.state;
    if (state === 'errored') return null;
    if (state === 'closed') return 0;
    return controller.strategyHWM - controller.queueTotalSize;
  }
  const readableStreamDefaultControllerHasBackpressure = (controller) =>
    !readableStreamDefaultControllerShouldCallPull(controller);
  const readableStreamDefaultControllerCanCloseOrEnqueue = (controller) =>
    !controller.closeRequested && controller.stream.state === 'readable';

  function setUpReadableStreamDefaultController(stream, controller, startAlgorithm,
    pullAlgorithm, cancelAlgorithm, highWaterMark, sizeAlgorithm) {
    controller.stream = stream;
    resetQueue(controller);
    controller.strategySizeAlgorithm = sizeAlgorithm;
    controller.strategyHWM = highWaterMark;
    controller.pullAlgorithm = pullAlgorithm;
    controller.cancelAlgorithm = cancelAlgorithm;
    stream.controller = controller;
    const startResult = startAlgorithm();
    uponPromise(promiseResolve(startResult), () => {
      controller.started = true;
      readableStreamDefaultControllerCallPullIfNeeded(controller);
    }, (error) => readableStreamDefaultControllerError(controller, error));
  }

  // UnderlyingSource: { autoAllocateChunkSize, cancel, pull, start, type }, in that order.
  function toUnderlyingSource(source) {
    const dictionary = source === null ? null : source;
    const autoAllocateChunkSize = member(dictionary, 'autoAllocateChunkSize');
    const cancel = toCallback(member(dictionary, 'cancel'), 'The source\'s cancel');
    const pull = toCallback(member(dictionary, 'pull'), 'The source\'s pull');
    const start = toCallback(member(dictionary, 'start'), 'The source\'s start');
    let type = member(dictionary, 'type');
    if (type !== undefined) {
      type = `${type}`;
      if (type !== 'bytes') {
        throw new TypeErrorCtor(`'${type}' is not a valid ReadableStreamType`);
      }
    }
    return {
      __proto__: null,
      autoAllocateChunkSize: autoAllocateChunkSize === undefined ? undefined
        : toEnforceRangeULL(autoAllocateChunkSize, 'autoAllocateChunkSize'),
      cancel, pull, start, type,
    };
  }

  function sourceAlgorithms(source, dictionary, controllerObject) {
    const { start, pull, cancel } = dictionary;
    return {
      __proto__: null,
      start: start === undefined ? noop
        : () => ReflectApply(start, source, [controllerObject]),
      pull: pull === undefined ? () => resolvedPromise(undefined)
        : () => promiseCall(pull, source, [controllerObject]),
      cancel: cancel === undefined ? () => resolvedPromise(undefined)
        : (reason) => promiseCall(cancel, source, [reason]),
    };
  }

  function setUpReadableStreamDefaultControllerFromUnderlyingSource(stream, source, dictionary,
    highWaterMark, sizeAlgorithm) {
    const controller = newDefaultControllerRecord();
    const algorithms = sourceAlgorithms(source, dictionary, controller.object);
    setUpReadableStreamDefaultController(stream, controller, algorithms.start, algorithms.pull,
      algorithms.cancel, highWaterMark, sizeAlgorithm);
  }

  // ===== ReadableByteStreamController =====================================================

  function newByteControllerRecord() {
    const controller = {
      __proto__: null,
      kind: 'byte',
      stream: undefined,
      queue: newQueue(), // of { buffer, byteOffset, byteLength }
      queueTotalSize: 0,
      started: false,
      closeRequested: false,
      pullAgain: false,
      pulling: false,
      strategyHWM: 0,
      pullAlgorithm: undefined,
      cancelAlgorithm: undefined,
      autoAllocateChunkSize: undefined,
      byobRequest: null, // record
      pendingPullIntos: newQueue(),
      cancelSteps: null,
      pullSteps: null,
      releaseSteps: null,
      object: null,
    };
    controller.object = newByteControllerObject(controller);
    controller.cancelSteps = (reason) => {
      readableByteStreamControllerClearPendingPullIntos(controller);
      resetQueue(controller);
      const result = controller.cancelAlgorithm(reason);
      readableByteStreamControllerClearAlgorithms(controller);
      return result;
    };
    controller.pullSteps = (readRequest) => {
      const stream = controller.stream;
      if (controller.queueTotalSize > 0) {
        readableByteStreamControllerFillReadRequestFromQueue(controller, readRequest);
        return;
      }
      const autoAllocateChunkSize = controller.autoAllocateChunkSize;
      if (autoAllocateChunkSize !== undefined) {
        let buffer;
        try {
          buffer = TypedArrayPrototypeGetBuffer(new Uint8ArrayCtor(autoAllocateChunkSize));
        } catch (error) {
          readRequest.errorSteps(error);
          return;
        }
        queuePush(controller.pendingPullIntos, {
          __proto__: null, buffer, bufferByteLength: autoAllocateChunkSize, byteOffset: 0,
          byteLength: autoAllocateChunkSize, bytesFilled: 0, minimumFill: 1, elementSize: 1,
          viewType: 'Uint8Array', readerType: 'default',
        });
      }
      readableStreamAddReadRequest(stream, readRequest);
      readableByteStreamControllerCallPullIfNeeded(controller);
    };
    controller.releaseSteps = () => {
      if (queueLength(controller.pendingPullIntos) > 0) {
        const first = queuePeek(controller.pendingPullIntos);
        first.readerType = 'none';
        const rest = newQueue();
        queuePush(rest, first);
        controller.pendingPullIntos = rest;
      }
    };
    return controller;
  }

  function readableByteStreamControllerCallPullIfNeeded(controller) {
    if (!readableByteStreamControllerShouldCallPull(controller)) return;
    if (controller.pulling) {
      controller.pullAgain = true;
      return;
    }
    controller.pulling = true;
    const pullPromise = controller.pullAlgorithm();
    uponPromise(pullPromise, () => {
      controller.pulling = false;
      if (controller.pullAgain) {
        controller.pullAgain = false;
        readableByteStreamControllerCallPullIfNeeded(controller);
      }
    }, (error) => readableByteStreamControllerError(controller, error));
  }

  function readableByteStreamControllerClearAlgorithms(controller) {
    controller.pullAlgorithm = undefined;
    controller.cancelAlgorithm = undefined;
  }

  function readableByteStreamControllerClearPendingPullIntos(controller) {
    readableByteStreamControllerInvalidateBYOBRequest(controller);
    controller.pendingPullIntos = newQueue();
  }

  function readableByteStreamControllerClose(controller) {
    const stream = controller.stream;
    if (controller.closeRequested || stream.state !== 'readable') return;
    if (controller.queueTotalSize > 0) {
      controller.closeRequested = true;
      return;
    }
    if (queueLength(controller.pendingPullIntos) > 0) {
      const firstPendingPullInto = queuePeek(controller.pendingPullIntos);
      if (firstPendingPullInto.bytesFilled % firstPendingPullInto.elementSize !== 0) {
        const error = new TypeErrorCtor('The stream closed in the middle of an element');
        readableByteStreamControllerError(controller, error);
        throw error;
      }
    }
    readableByteStreamControllerClearAlgorithms(controller);
    readableStreamClose(stream);
  }

  function readableByteStreamControllerCommitPullIntoDescriptor(stream, pullIntoDescriptor) {
    let done = false;
    if (stream.state === 'closed') done = true;
    const filledView = readableByteStreamControllerConvertPullIntoDescriptor(pullIntoDescriptor);
    if (pullIntoDescriptor.readerType === 'default') {
      readableStreamFulfillReadRequest(stream, filledView, done);
    } else {
      readableStreamFulfillReadIntoRequest(stream, filledView, done);
    }
  }

  function readableByteStreamControllerConvertPullIntoDescriptor(pullIntoDescriptor) {
    const { bytesFilled, elementSize } = pullIntoDescriptor;
    const buffer = transferArrayBuffer(pullIntoDescriptor.buffer);
    return newView(pullIntoDescriptor.viewType, buffer, pullIntoDescriptor.byteOffset,
      bytesFilled / elementSize);
  }

  function readableByteStreamControllerEnqueue(controller, chunk) {
    const stream = controller.stream;
    if (controller.closeRequested || stream.state !== 'readable') return;
    const { buffer, byteOffset, byteLength } = viewParts(chunk);
    if (isDetachedBuffer(buffer)) throw new TypeErrorCtor('The chunk\'s buffer is detached');
    const transferredBuffer = transferArrayBuffer(buffer);
    if (queueLength(controller.pendingPullIntos) > 0) {
      const firstPendingPullInto = queuePeek(controller.pendingPullIntos);
      if (isDetachedBuffer(firstPendingPullInto.buffer)) {
        throw new TypeErrorCtor('The BYOB request\'s buffer is detached');
      }
      readableByteStreamControllerInvalidateBYOBRequest(controller);
      firstPendingPullInto.buffer = transferArrayBuffer(firstPendingPullInto.buffer);
      if (firstPendingPullInto.readerType === 'none') {
        readableByteStreamControllerEnqueueDetachedPullIntoToQueue(controller,
          firstPendingPullInto);
      }
    }
    if (readableStreamHasDefaultReader(stream)) {
      readableByteStreamControllerProcessReadRequestsUsingQueue(controller);
      if (readableStreamGetNumReadRequests(stream) === 0) {
        readableByteStreamControllerEnqueueChunkToQueue(controller, transferredBuffer,
          byteOffset, byteLength);
      } else {
        if (queueLength(controller.pendingPullIntos) > 0) {
          readableByteStreamControllerShiftPendingPullInto(controller);
        }
        const transferredView = new Uint8ArrayCtor(transferredBuffer, byteOffset, byteLength);
        readableStreamFulfillReadRequest(stream, transferredView, false);
      }
    } else if (readableStreamHasBYOBReader(stream)) {
      readableByteStreamControllerEnqueueChunkToQueue(controller, transferredBuffer, byteOffset,
        byteLength);
      commitPullIntoDescriptors(stream,
        readableByteStreamControllerProcessPullIntoDescriptorsUsingQueue(controller));
    } else {
      readableByteStreamControllerEnqueueChunkToQueue(controller, transferredBuffer, byteOffset,
        byteLength);
    }
    readableByteStreamControllerCallPullIfNeeded(controller);
  }

  function readableByteStreamControllerEnqueueChunkToQueue(controller, buffer, byteOffset,
    byteLength) {
    queuePush(controller.queue, { __proto__: null, buffer, byteOffset, byteLength });
    controller.queueTotalSize += byteLength;
  }

  function readableByteStreamControllerEnqueueClonedChunkToQueue(controller, buffer, byteOffset,
    byteLength) {
    let cloneResult;
    try {
      cloneResult = cloneBufferBytes(buffer, byteOffset, byteLength);
    } catch (error) {
      readableByteStreamControllerError(controller, error);
      throw error;
    }
    readableByteStreamControllerEnqueueChunkToQueue(controller, cloneResult, 0, byteLength);
  }

  function readableByteStreamControllerEnqueueDetachedPullIntoToQueue(controller,
    pullIntoDescriptor) {
    if (pullIntoDescriptor.bytesFilled > 0) {
      readableByteStreamControllerEnqueueClonedChunkToQueue(controller, pullIntoDescriptor.buffer,
        pullIntoDescriptor.byteOffset, pullIntoDescriptor.bytesFilled);
    }
    readableByteStreamControllerShiftPendingPullInto(controller);
  }

  function readableByteStreamControllerError(controller, error) {
    const stream = controller.stream;
    if (stream.state !== 'readable') return;
    readableByteStreamControllerClearPendingPullIntos(controller);
    resetQueue(controller);
    readableByteStreamControllerClearAlgorithms(controller);
    readableStreamError(stream, error);
  }

  function readableByteStreamControllerFillHeadPullIntoDescriptor(controller, size,
    pullIntoDescriptor) {
    pullIntoDescriptor.bytesFilled += size;
  }

  function readableByteStreamControllerFillPullIntoDescriptorFromQueue(controller,
    pullIntoDescriptor) {
    const maxBytesToCopy = MathMin(controller.queueTotalSize,
      pullIntoDescriptor.byteLength - pullIntoDescriptor.bytesFilled);
    const maxBytesFilled = pullIntoDescriptor.bytesFilled + maxBytesToCopy;
    let totalBytesToCopyRemaining = maxBytesToCopy;
    let ready = false;
    const remainderBytes = maxBytesFilled % pullIntoDescriptor.elementSize;
    const maxAlignedBytes = maxBytesFilled - remainderBytes;
    if (maxAlignedBytes >= pullIntoDescriptor.minimumFill) {
      totalBytesToCopyRemaining = maxAlignedBytes - pullIntoDescriptor.bytesFilled;
      ready = true;
    }
    const queue = controller.queue;
    while (totalBytesToCopyRemaining > 0) {
      const headOfQueue = queuePeek(queue);
      const bytesToCopy = MathMin(totalBytesToCopyRemaining, headOfQueue.byteLength);
      const destStart = pullIntoDescriptor.byteOffset + pullIntoDescriptor.bytesFilled;
      copyDataBlockBytes(pullIntoDescriptor.buffer, destStart, headOfQueue.buffer,
        headOfQueue.byteOffset, bytesToCopy);
      if (headOfQueue.byteLength === bytesToCopy) {
        queueShift(queue);
      } else {
        headOfQueue.byteOffset += bytesToCopy;
        headOfQueue.byteLength -= bytesToCopy;
      }
      controller.queueTotalSize -= bytesToCopy;
      readableByteStreamControllerFillHeadPullIntoDescriptor(controller, bytesToCopy,
        pullIntoDescriptor);
      totalBytesToCopyRemaining -= bytesToCopy;
    }
    return ready;
  }

  function readableByteStreamControllerFillReadRequestFromQueue(controller, readRequest) {
    const entry = queueShift(controller.queue);
    controller.queueTotalSize -= entry.byteLength;
    readableByteStreamControllerHandleQueueDrain(controller);
    const view = new Uint8ArrayCtor(entry.buffer, entry.byteOffset, entry.byteLength);
    readRequest.chunkSteps(view);
  }

  function readableByteStreamControllerGetBYOBRequest(controller) {
    if (controller.byobRequest === null && queueLength(controller.pendingPullIntos) > 0) {
      const firstDescriptor = queuePeek(controller.pendingPullIntos);
      const view = new Uint8ArrayCtor(firstDescriptor.buffer,
        firstDescriptor.byteOffset + firstDescriptor.bytesFilled,
        firstDescriptor.byteLength - firstDescriptor.bytesFilled);
      const byobRequest = { __proto__: null, controller, view, object: null };
      byobRequest.object = newBYOBRequestObject(byobRequest);
      controller.byobRequest = byobRequest;
    }
    return controller.byobRequest;
  }

  function readableByteStreamControllerGetDesiredSize(controller) {
    const state = controller.stream.state;
    if (state === 'errored') return null;
    if (state === 'closed') return 0;
    return controller.strategyHWM - controller.queueTotalSize;
  }

  function readableByteStreamControllerHandleQueueDrain(controller) {
    if (controller.queueTotalSize === 0 && controller.closeRequested) {
      readableByteStreamControllerClearAlgorithms(controller);
      readableStreamClose(controller.stream);
    } else {
      readableByteStreamControllerCallPullIfNeeded(controller);
    }
  }

  function readableByteStreamControllerInvalidateBYOBRequest(controller) {
    if (controller.byobRequest === null) return;
    controller.byobRequest.controller = undefined;
    controller.byobRequest.view = null;
    controller.byobRequest = null;
  }

  // Returns the descriptors it filled, for the caller to commit.
  function readableByteStreamControllerProcessPullIntoDescriptorsUsingQueue(controller) {
    const filledPullIntos = newList();
    while (queueLength(controller.pendingPullIntos) > 0) {
      if (controller.queueTotalSize === 0) break;
      const pullIntoDescriptor = queuePeek(controller.pendingPullIntos);
      if (readableByteStreamControllerFillPullIntoDescriptorFromQueue(controller,
        pullIntoDescriptor)) {
        readableByteStreamControllerShiftPendingPullInto(controller);
        append(filledPullIntos, pullIntoDescriptor);
      }
    }
    return filledPullIntos;
  }
  function commitPullIntoDescriptors(stream, filledPullIntos) {
    for (let i = 0; i < filledPullIntos.length; i++) {
      readableByteStreamControllerCommitPullIntoDescriptor(stream, filledPullIntos[i]);
    }
  }

  function readableByteStreamControllerProcessReadRequestsUsingQueue(controller) {
    const reader = controller.stream.reader;
    while (queueLength(reader.readRequests) > 0) {
      if (controller.queueTotalSize === 0) return;
      const readRequest = queueShift(reader.readRequests);
      readableByteStreamControllerFillReadRequestFromQueue(controller, readRequest);
    }
  }

  function readableByteStreamControllerPullInto(controller, view, min, readIntoRequest) {
    const stream = controller.stream;
    const viewType = viewTypeOf(view);
    const elementSize = elementSizeOf(viewType);
    const minimumFill = min * elementSize;
    const parts = viewParts(view);
    const byteOffset = parts.byteOffset;
    const byteLength = parts.byteLength;
    let buffer;
    try {
      buffer = transferArrayBuffer(parts.buffer);
    } catch (error) {
      readIntoRequest.errorSteps(error);
      return;
    }
    const pullIntoDescriptor = {
      __proto__: null, buffer, bufferByteLength: ArrayBufferPrototypeGetByteLength(buffer),
      byteOffset, byteLength, bytesFilled: 0, minimumFill, elementSize, viewType,
      readerType: 'byob',
    };
    if (queueLength(controller.pendingPullIntos) > 0) {
      queuePush(controller.pendingPullIntos, pullIntoDescriptor);
      readableStreamAddReadIntoRequest(stream, readIntoRequest);
      return;
    }
    if (stream.state === 'closed') {
      const emptyView = newView(viewType, pullIntoDescriptor.buffer,
        pullIntoDescriptor.byteOffset, 0);
      readIntoRequest.closeSteps(emptyView);
      return;
    }
    if (controller.queueTotalSize > 0) {
      if (readableByteStreamControllerFillPullIntoDescriptorFromQueue(controller,
        pullIntoDescriptor)) {
        const filledView = readableByteStreamControllerConvertPullIntoDescriptor(
          pullIntoDescriptor);
        readableByteStreamControllerHandleQueueDrain(controller);
        readIntoRequest.chunkSteps(filledView);
        return;
      }
      if (controller.closeRequested) {
        const error = new TypeErrorCtor('The stream closed in the middle of an element');
        readableByteStreamControllerError(controller, error);
        readIntoRequest.errorSteps(error);
        return;
      }
    }
    queuePush(controller.pendingPullIntos, pullIntoDescriptor);
    readableStreamAddReadIntoRequest(stream, readIntoRequest);
    readableByteStreamControllerCallPullIfNeeded(controller);
  }

  function readableByteStreamControllerRespond(controller, bytesWritten) {
    const firstDescriptor = queuePeek(controller.pendingPullIntos);
    const state = controller.stream.state;
    if (state === 'closed') {
      if (bytesWritten !== 0) {
        throw new TypeErrorCtor('bytesWritten must be 0 once the stream is closed');
      }
    } else {
      if (bytesWritten === 0) {
        throw new TypeErrorCtor('bytesWritten must be more than 0 while the stream is readable');
      }
      if (firstDescriptor.bytesFilled + bytesWritten > firstDescriptor.byteLength) {
        throw new RangeErrorCtor('bytesWritten is more than the view holds');
      }
    }
    firstDescriptor.buffer = transferArrayBuffer(firstDescriptor.buffer);
    readableByteStreamControllerRespondInternal(controller, bytesWritten);
  }

  function readableByteStreamControllerRespondInClosedState(controller, firstDescriptor) {
    if (firstDescriptor.readerType === 'none') {
      readableByteStreamControllerShiftPendingPullInto(controller);
    }
    const stream = controller.stream;
    if (readableStreamHasBYOBReader(stream)) {
      const filledPullIntos = newList();
      while (filledPullIntos.length < readableStreamGetNumReadIntoRequests(stream)) {
        append(filledPullIntos, readableByteStreamControllerShiftPendingPullInto(controller));
      }
      commitPullIntoDescriptors(stream, filledPullIntos);
    }
  }

  function readableByteStreamControllerRespondInReadableState(controller, bytesWritten,
    pullIntoDescriptor) {
    readableByteStreamControllerFillHeadPullIntoDescriptor(controller, bytesWritten,
      pullIntoDescriptor);
    if (pullIntoDescriptor.readerType === 'none') {
      readableByteStreamControllerEnqueueDetachedPullIntoToQueue(controller, pullIntoDescriptor);
      commitPullIntoDescriptors(controller.stream,
        readableByteStreamControllerProcessPullIntoDescriptorsUsingQueue(controller));
      return;
    }
    if (pullIntoDescriptor.bytesFilled < pullIntoDescriptor.minimumFill) return;
    readableByteStreamControllerShiftPendingPullInto(controller);
    const remainderSize = pullIntoDescriptor.bytesFilled % pullIntoDescriptor.elementSize;
    if (remainderSize > 0) {
      const end = pullIntoDescriptor.byteOffset + pullIntoDescriptor.bytesFilled;
      readableByteStreamControllerEnqueueClonedChunkToQueue(controller, pullIntoDescriptor.buffer,
        end - remainderSize, remainderSize);
    }
    pullIntoDescriptor.bytesFilled -= remainderSize;
    const filledPullIntos =
      readableByteStreamControllerProcessPullIntoDescriptorsUsingQueue(controller);
    readableByteStreamControllerCommitPullIntoDescriptor(controller.stream, pullIntoDescriptor);
    commitPullIntoDescriptors(controller.stream, filledPullIntos);
  }

  function readableByteStreamControllerRespondInternal(controller, bytesWritten) {
    const firstDescriptor = queuePeek(controller.pendingPullIntos);
    readableByteStreamControllerInvalidateBYOBRequest(controller);
    if (controller.stream.state === 'closed') {
      readableByteStreamControllerRespondInClosedState(controller, firstDescriptor);
    } else {
      readableByteStreamControllerRespondInReadableState(controller, bytesWritten,
        firstDescriptor);
    }
    readableByteStreamControllerCallPullIfNeeded(controller);
  }

  function readableByteStreamControllerRespondWithNewView(controller, view) {
    const firstDescriptor = queuePeek(controller.pendingPullIntos);
    const state = controller.stream.state;
    const parts = viewParts(view);
    if (state === 'closed') {
      if (parts.byteLength !== 0) {
        throw new TypeErrorCtor('The view must be empty once the stream is closed');
      }
    } else if (parts.byteLength === 0) {
      throw new TypeErrorCtor('The view must not be empty while the stream is readable');
    }
    if (firstDescriptor.byteOffset + firstDescriptor.bytesFilled !== parts.byteOffset) {
      throw new RangeErrorCtor('The view does not start where the request\'s view does');
    }
    if (firstDescriptor.bufferByteLength !== ArrayBufferPrototypeGetByteLength(parts.buffer)) {
      throw new RangeErrorCtor('The view\'s buffer is not the request\'s buffer');
    }
    if (firstDescriptor.bytesFilled + parts.byteLength > firstDescriptor.byteLength) {
      throw new RangeErrorCtor('The view is larger than the request\'s view');
    }
    const viewByteLength = parts.byteLength;
    firstDescriptor.buffer = transferArrayBuffer(parts.buffer);
    readableByteStreamControllerRespondInternal(controller, viewByteLength);
  }

  function readableByteStreamControllerShiftPendingPullInto(controller) {
    return queueShift(controller.pendingPullIntos);
  }

  function readableByteStreamControllerShouldCallPull(controller) {
    const stream = controller.stream;
    if (stream.state !== 'readable') return false;
    if (controller.closeRequested) return false;
    if (!controller.started) return false;
    if (readableStreamHasDefaultReader(stream) && readableStreamGetNumReadRequests(stream) > 0) {
      return true;
    }
    if (readableStreamHasBYOBReader(stream) && readableStreamGetNumReadIntoRequests(stream) > 0) {
      return true;
    }
    return readableByteStreamControllerGetDesiredSize(controller) > 0;
  }

  function setUpReadableByteStreamController(stream, controller, startAlgorithm, pullAlgorithm,
    cancelAlgorithm, highWaterMark, autoAllocateChunkSize) {
    controller.stream = stream;
    controller.pullAgain = false;
    controller.pulling = false;
    controller.byobRequest = null;
    resetQueue(controller);
    controller.closeRequested = false;
    controller.started = false;
    controller.strategyHWM = highWaterMark;
    controller.pullAlgorithm = pullAlgorithm;
    controller.cancelAlgorithm = cancelAlgorithm;
    controller.autoAllocateChunkSize = autoAllocateChunkSize;
    controller.pendingPullIntos = newQueue();
    stream.controller = controller;
    const startResult = startAlgorithm();
    uponPromise(promiseResolve(startResult), () => {
      controller.started = true;
      readableByteStreamControllerCallPullIfNeeded(controller);
    }, (error) => readableByteStreamControllerError(controller, error));
  }

  function setUpReadableByteStreamControllerFromUnderlyingSource(stream, source, dictionary,
    highWaterMark) {
    const controller = newByteControllerRecord();
    const algorithms = sourceAlgorithms(source, dictionary, controller.object);
    const autoAllocateChunkSize = dictionary.autoAllocateChunkSize;
    if (autoAllocateChunkSize === 0) {
      throw new TypeErrorCtor('autoAllocateChunkSize must be greater than 0');
    }
    setUpReadableByteStreamController(stream, controller, algorithms.start, algorithms.pull,
      algorithms.cancel, highWaterMark, autoAllocateChunkSize);
  }

  // ===== Tee ===============================================================================

  // ReadableStreamTee with cloneForBranch2 false, the only way it is used here (cloning
  // needs StructuredClone).
  function readableStreamTee(stream) {
    if (stream.controller.kind === 'byte') return readableByteStreamTee(stream);
    return readableStreamDefaultTee(stream);
  }

  function readableStreamDefaultTee(stream) {
    const reader = acquireReadableStreamDefaultReader(stream);
    let reading = false;
    let readAgain = false;
    let canceled1 = false;
    let canceled2 = false;
    let reason1, reason2, branch1, branch2;
    const cancelPromise = newCapability();
    const pullAlgorithm = () => {
      if (reading) {
        readAgain = true;
        return resolvedPromise(undefined);
      }
      reading = true;
      readableStreamDefaultReaderRead(reader, {
        __proto__: null,
        chunkSteps: (chunk) => queueMicrotask(() => {
          readAgain = false;
          if (!canceled1) readableStreamDefaultControllerEnqueue(branch1.controller, chunk);
          if (!canceled2) readableStreamDefaultControllerEnqueue(branch2.controller, chunk);
          reading = false;
          if (readAgain) pullAlgorithm();
        }),
        closeSteps: () => {
          reading = false;
          if (!canceled1) readableStreamDefaultControllerClose(branch1.controller);
          if (!canceled2) readableStreamDefaultControllerClose(branch2.controller);
          if (!canceled1 || !canceled2) cancelPromise.resolve(undefined);
        },
        errorSteps: () => {
          reading = false;
        },
      });
      return resolvedPromise(undefined);
    };
    const cancel1Algorithm = (reason) => {
      canceled1 = true;
      reason1 = reason;
      if (canceled2) {
        const cancelResult = readableStreamCancel(stream, [reason1, reason2]);
        cancelPromise.resolve(cancelResult);
      }
      return cancelPromise.promise;
    };
    const cancel2Algorithm = (reason) => {
      canceled2 = true;
      reason2 = reason;
      if (canceled1) {
        const cancelResult = readableStreamCancel(stream, [reason1, reason2]);
        cancelPromise.resolve(cancelResult);
      }
      return cancelPromise.promise;
    };
    branch1 = createReadableStream(noop, pullAlgorithm, cancel1Algorithm);
    branch2 = createReadableStream(noop, pullAlgorithm, cancel2Algorithm);
    uponPromise(reader.closed.promise, undefined, (error) => {
      readableStreamDefaultControllerError(branch1.controller, error);
      readableStreamDefaultControllerError(branch2.controller, error);
      if (!canceled1 || !canceled2) cancelPromise.resolve(undefined);
    });
    return [branch1, branch2];
  }

  function readableByteStreamTee(stream) {
    let reader = acquireReadableStreamDefaultReader(stream);
    let reading = false;
    let readAgainForBranch1 = false;
    let readAgainForBranch2 = false;
    let canceled1 = false;
    let canceled2 = false;
    let reason1, reason2, branch1, branch2;
    const cancelPromise = newCapability();
    const forwardReaderError = (thisReader) => {
      uponPromise(thisReader.closed.promise, undefined, (error) => {
        if (thisReader !== reader) return;
        readableByteStreamControllerError(branch1.controller, error);
        readableByteStreamControllerError(branch2.controller, error);
        if (!canceled1 || !canceled2) cancelPromise.resolve(undefined);
      });
    };
    const pullWithDefaultReader = () => {
      if (reader.kind === 'byob') {
        readableStreamBYOBReaderRelease(reader);
        reader = acquireReadableStreamDefaultReader(stream);
        forwardReaderError(reader);
      }
      readableStreamDefaultReaderRead(reader, {
        __proto__: null,
        chunkSteps: (chunk) => queueMicrotask(() => {
          readAgainForBranch1 = false;
          readAgainForBranch2 = false;
          const chunk1 = chunk;
          let chunk2 = chunk;
          if (!canceled1 && !canceled2) {
            try {
              const parts = viewParts(chunk);
              chunk2 = new Uint8ArrayCtor(cloneBufferBytes(parts.buffer, parts.byteOffset,
                parts.byteLength));
            } catch (error) {
              readableByteStreamControllerError(branch1.controller, error);
              readableByteStreamControllerError(branch2.controller, error);
              cancelPromise.resolve(readableStreamCancel(stream, error));
              return;
            }
          }
          if (!canceled1) readableByteStreamControllerEnqueue(branch1.controller, chunk1);
          if (!canceled2) readableByteStreamControllerEnqueue(branch2.controller, chunk2);
          reading = false;
          if (readAgainForBranch1) pull1Algorithm();
          else if (readAgainForBranch2) pull2Algorithm();
        }),
        closeSteps: () => {
          reading = false;
          if (!canceled1) readableByteStreamControllerClose(branch1.controller);
          if (!canceled2) readableByteStreamControllerClose(branch2.controller);
          if (queueLength(branch1.controller.pendingPullIntos) > 0) {
            readableByteStreamControllerRespond(branch1.controller, 0);
          }
          if (queueLength(branch2.controller.pendingPullIntos) > 0) {
            readableByteStreamControllerRespond(branch2.controller, 0);
          }
          if (!canceled1 || !canceled2) cancelPromise.resolve(undefined);
        },
        errorSteps: () => {
          reading = false;
        },
      });
    };
    const pullWithBYOBReader = (view, forBranch2) => {
      if (reader.kind === 'default') {
        readableStreamDefaultReaderRelease(reader);
        reader = acquireReadableStreamBYOBReader(stream);
        forwardReaderError(reader);
      }
      const byobBranch = forBranch2 ? branch2 : branch1;
      const otherBranch = forBranch2 ? branch1 : branch2;
      readableStreamBYOBReaderRead(reader, view, 1, {
        __proto__: null,
        chunkSteps: (chunk) => queueMicrotask(() => {
          readAgainForBranch1 = false;
          readAgainForBranch2 = false;
          const byobCanceled = forBranch2 ? canceled2 : canceled1;
          const otherCanceled = forBranch2 ? canceled1 : canceled2;
          if (!otherCanceled) {
            let clonedChunk;
            try {
              const parts = viewParts(chunk);
              clonedChunk = new Uint8ArrayCtor(cloneBufferBytes(parts.buffer, parts.byteOffset,
                parts.byteLength));
            } catch (error) {
              readableByteStreamControllerError(byobBranch.controller, error);
              readableByteStreamControllerError(otherBranch.controller, error);
              cancelPromise.resolve(readableStreamCancel(stream, error));
              return;
            }
            if (!byobCanceled) {
              readableByteStreamControllerRespondWithNewView(byobBranch.controller, chunk);
            }
            readableByteStreamControllerEnqueue(otherBranch.controller, clonedChunk);
          } else if (!byobCanceled) {
            readableByteStreamControllerRespondWithNewView(byobBranch.controller, chunk);
          }
          reading = false;
          if (readAgainForBranch1) pull1Algorithm();
          else if (readAgainForBranch2) pull2Algorithm();
        }),
        closeSteps: (chunk) => {
          reading = false;
          const byobCanceled = forBranch2 ? canceled2 : canceled1;
          const otherCanceled = forBranch2 ? canceled1 : canceled2;
          if (!byobCanceled) readableByteStreamControllerClose(byobBranch.controller);
          if (!otherCanceled) readableByteStreamControllerClose(otherBranch.controller);
          if (chunk !== undefined) {
            if (!byobCanceled) {
              readableByteStreamControllerRespondWithNewView(byobBranch.controller, chunk);
            }
            if (!otherCanceled && queueLength(otherBranch.controller.pendingPullIntos) > 0) {
              readableByteStreamControllerRespond(otherBranch.controller, 0);
            }
          }
          if (!byobCanceled || !otherCanceled) cancelPromise.resolve(undefined);
        },
        errorSteps: () => {
          reading = false;
        },
      });
    };
    const pull1Algorithm = () => {
      if (reading) {
        readAgainForBranch1 = true;
        return resolvedPromise(undefined);
      }
      reading = true;
      const byobRequest = readableByteStreamControllerGetBYOBRequest(branch1.controller);
      if (byobRequest === null) pullWithDefaultReader();
      else pullWithBYOBReader(byobRequest.view, false);
      return resolvedPromise(undefined);
    };
    const pull2Algorithm = () => {
      if (reading) {
        readAgainForBranch2 = true;
        return resolvedPromise(undefined);
      }
      reading = true;
      const byobRequest = readableByteStreamControllerGetBYOBRequest(branch2.controller);
      if (byobRequest === null) pullWithDefaultReader();
      else pullWithBYOBReader(byobRequest.view, true);
      return resolvedPromise(undefined);
    };
    const cancel1Algorithm = (reason) => {
      canceled1 = true;
      reason1 = reason;
      if (canceled2) cancelPromise.resolve(readableStreamCancel(stream, [reason1, reason2]));
      return cancelPromise.promise;
    };
    const cancel2Algorithm = (reason) => {
      canceled2 = true;
      reason2 = reason;
      if (canceled1) cancelPromise.resolve(readableStreamCancel(stream, [reason1, reason2]));
      return cancelPromise.promise;
    };
    branch1 = createReadableByteStream(noop, pull1Algorithm, cancel1Algorithm);
    branch2 = createReadableByteStream(noop, pull2Algorithm, cancel2Algorithm);
    forwardReaderError(reader);
    return [branch1, branch2];
  }

  // ===== ReadableStream.from ===============================================================

  // GetIterator(obj, async): an async iterator record, or a sync one wrapped as the
  // specification's CreateAsyncFromSyncIterator does.
  function getAsyncIterator(object) {
    let method = object === null || object === undefined ? undefined : object[SymbolAsyncIterator];
    let sync = false;
    if (method === undefined || method === null) {
      method = object === null || object === undefined ? undefined : object[SymbolIterator];
      sync = true;
    }
    if (typeof method !== 'function') {
      throw new TypeErrorCtor('ReadableStream.from: the argument is not iterable');
    }
    const iterator = ReflectApply(method, object, []);
    if (!isObject(iterator)) throw new TypeErrorCtor('The iterator is not an object');
    return { __proto__: null, iterator, nextMethod: iterator.next, sync };
  }

  // IteratorNext as a promise of the (async) iterator result.
  function asyncIteratorNext(record) {
    let result;
    try {
      result = ReflectApply(record.nextMethod, record.iterator, []);
    } catch (error) {
      return rejectedPromise(error);
    }
    if (!record.sync) return promiseResolve(result);
    if (!isObject(result)) {
      return rejectedPromise(new TypeErrorCtor('The iterator result is not an object'));
    }
    let done, value;
    try {
      done = !!result.done;
      value = result.value;
    } catch (error) {
      return rejectedPromise(error);
    }
    return react(promiseResolve(value), (awaited) => iterResult(awaited, done), (error) => {
      // A sync iterator whose value rejects is closed (CreateAsyncFromSyncIterator).
      if (!done) {
        attempt(() => {
          const returnMethod = record.iterator.return;
          if (returnMethod !== undefined && returnMethod !== null) {
            ReflectApply(returnMethod, record.iterator, []);
          }
        });
      }
      throw error;
    });
  }

  function readableStreamFromIterable(asyncIterable) {
    const iteratorRecord = getAsyncIterator(asyncIterable);
    let stream;
    const pullAlgorithm = () => {
      const nextPromise = asyncIteratorNext(iteratorRecord);
      return react(nextPromise, (iterResultValue) => {
        if (!isObject(iterResultValue)) {
          throw new TypeErrorCtor('The iterator result is not an object');
        }
        if (iterResultValue.done) {
          readableStreamDefaultControllerClose(stream.controller);
        } else {
          readableStreamDefaultControllerEnqueue(stream.controller, iterResultValue.value);
        }
      });
    };
    const cancelAlgorithm = (reason) => {
      const iterator = iteratorRecord.iterator;
      let returnMethod;
      try {
        returnMethod = iterator.return;
      } catch (error) {
        return rejectedPromise(error);
      }
      if (returnMethod === undefined || returnMethod === null) return resolvedPromise(undefined);
      if (typeof returnMethod !== 'function') {
        return rejectedPromise(new TypeErrorCtor('The iterator\'s return is not a function'));
      }
      let returnResult;
      try {
        returnResult = ReflectApply(returnMethod, iterator, [reason]);
      } catch (error) {
        return rejectedPromise(error);
      }
      return react(promiseResolve(returnResult), (result) => {
        if (!isObject(result)) throw new TypeErrorCtor('The iterator result is not an object');
      });
    };
    stream = createReadableStream(noop, pullAlgorithm, cancelAlgorithm, 0);
    return stream;
  }

  // ===== pipeTo ============================================================================

  // AbortSignal comes from the 'abort' module, through its signalInternals, where the
  // runtime has it; without it a signal is used through its public members (`aborted`,
  // `reason`, the abort event).
  function abortInternals() {
    const abort = attempt(() => rt.require('abort'), null);
    return abort !== null && isObject(abort.signalInternals) ? abort.signalInternals : null;
  }

  function toAbortSignal(value) {
    if (value === undefined) return undefined;
    const internals = abortInternals();
    const ok = internals !== null ? internals.isSignal(value)
      : isObject(value) && typeof value.addEventListener === 'function';
    if (!ok) throw new TypeErrorCtor('signal must be an AbortSignal');
    return value;
  }

  function readableStreamPipeTo(source, dest, preventClose, preventAbort, preventCancel,
    signal) {
    const reader = acquireReadableStreamDefaultReader(source);
    const writer = acquireWritableStreamDefaultWriter(dest);
    source.disturbed = true;
    let shuttingDown = false;
    let currentWrite = resolvedPromise(undefined);
    const promise = newCapability();
    let abortAlgorithm = null;
    let removeAbort = noop;

    const finalize = (isError, error) => {
      writableStreamDefaultWriterRelease(writer);
      readableStreamDefaultReaderRelease(reader);
      removeAbort();
      if (isError) promise.reject(error);
      else promise.resolve(undefined);
    };
    const waitForWritesToFinish = () => {
      const oldCurrentWrite = currentWrite;
      return react(currentWrite,
        () => (oldCurrentWrite !== currentWrite ? waitForWritesToFinish() : undefined));
    };
    const shutdownWithAnAction = (action, originalIsError, originalError) => {
      if (shuttingDown) return;
      shuttingDown = true;
      const doTheRest = () => {
        uponPromise(action(), () => finalize(originalIsError, originalError),
          (newError) => finalize(true, newError));
      };
      if (dest.state === 'writable' && !writableStreamCloseQueuedOrInFlight(dest)) {
        uponPromise(waitForWritesToFinish(), doTheRest);
      } else {
        doTheRest();
      }
    };
    const shutdown = (isError, error) => {
      if (shuttingDown) return;
      shuttingDown = true;
      if (dest.state === 'writable' && !writableStreamCloseQueuedOrInFlight(dest)) {
        uponPromise(waitForWritesToFinish(), () => finalize(isError, error));
      } else {
        finalize(isError, error);
      }
    };

    if (signal !== undefined) {
      abortAlgorithm = () => {
        const error = signalReason(signal);
        const actions = newList();
        if (!preventAbort) {
          append(actions, () => (dest.state === 'writable' ? writableStreamAbort(dest, error)
            : resolvedPromise(undefined)));
        }
        if (!preventCancel) {
          append(actions, () => (source.state === 'readable' ? readableStreamCancel(source, error)
            : resolvedPromise(undefined)));
        }
        shutdownWithAnAction(() => waitForAll(actions), true, error);
      };
      if (signalAborted(signal)) {
        abortAlgorithm();
        return promise.promise;
      }
      removeAbort = addAbortListener(signal, abortAlgorithm);
    }

    // Errors and closing must be propagated forward and backward.
    const onSourceErrored = (storedError) => {
      if (!preventAbort) {
        shutdownWithAnAction(() => writableStreamAbort(dest, storedError), true, storedError);
      } else {
        shutdown(true, storedError);
      }
    };
    const onDestErrored = (storedError) => {
      if (!preventCancel) {
        shutdownWithAnAction(() => readableStreamCancel(source, storedError), true, storedError);
      } else {
        shutdown(true, storedError);
      }
    };
    const onSourceClosed = () => {
      if (!preventClose) {
        shutdownWithAnAction(() => writableStreamDefaultWriterCloseWithErrorPropagation(writer));
      } else {
        shutdown();
      }
    };
    const onDestClosed = () => {
      const destClosed = new TypeErrorCtor('The destination stream closed');
      if (!preventCancel) {
        shutdownWithAnAction(() => readableStreamCancel(source, destClosed), true, destClosed);
      } else {
        shutdown(true, destClosed);
      }
    };

    if (source.state === 'errored') onSourceErrored(source.storedError);
    else uponPromise(reader.closed.promise, undefined, onSourceErrored);
    if (dest.state === 'errored') onDestErrored(dest.storedError);
    else uponPromise(writer.closed.promise, undefined, onDestErrored);
    if (source.state === 'closed') onSourceClosed();
    else uponPromise(reader.closed.promise, onSourceClosed);
    if (writableStreamCloseQueuedOrInFlight(dest) || dest.state === 'closed') onDestClosed();

    // The loop: wait for the writer to be ready, read a chunk, write it, again; each step a
    // promise of whether the source is done.
    const pipeStep = () => {
      if (shuttingDown) return resolvedPromise(true);
      return react(writer.ready.promise, () => {
        const read = newCapability();
        readableStreamDefaultReaderRead(reader, {
          __proto__: null,
          chunkSteps: (chunk) => {
            currentWrite = react(writableStreamDefaultWriterWrite(writer, chunk), undefined, noop);
            read.resolve(false);
          },
          closeSteps: () => read.resolve(true),
          errorSteps: (error) => read.reject(error),
        });
        return read.promise;
      });
    };
    const next = (done) => {
      if (!done) uponPromise(pipeStep(), next, noop);
    };
    next(false);
    return promise.promise;
  }

  function waitForAll(actions) {
    const results = newList();
    for (let i = 0; i < actions.length; i++) append(results, actions[i]());
    let remaining = results.length;
    const all = newCapability();
    if (remaining === 0) all.resolve(undefined);
    for (let i = 0; i < results.length; i++) {
      uponPromise(results[i], () => {
        if (--remaining === 0) all.resolve(undefined);
      }, (error) => all.reject(error));
    }
    return all.promise;
  }

  function signalAborted(signal) {
    const internals = abortInternals();
    return internals !== null ? internals.isAborted(signal) : !!signal.aborted;
  }
  const signalReason = (signal) => signal.reason;
  // Runs `algorithm` once the signal aborts; returns what stops that.
  function addAbortListener(signal, algorithm) {
    const internals = abortInternals();
    if (internals !== null) {
      // Never removed: once the pipe has finished, shutting down again does nothing.
      internals.addAlgorithm(signal, algorithm);
      return noop;
    }
    const listener = () => algorithm();
    ReflectApply(signal.addEventListener, signal, ['abort', listener]);
    return () => attempt(() =>
      ReflectApply(signal.removeEventListener, signal, ['abort', listener]));
  }

  // ===== ReadableStream ====================================================================

  class ReadableStream {
    #r;

    static {
      newReadableStreamObject = (record) => {
        const stream = new ReadableStream(kInternal);
        stream.#r = record;
        return stream;
      };
      readableStreamRecord = (value) => (isObject(value) && #r in value ? value.#r : null);
    }

    constructor(underlyingSource = undefined, strategy = undefined) {
      if (underlyingSource === kInternal) return;
      const sourceObject = toObjectOrUndefined(underlyingSource, 'The underlying source');
      const strategyDictionary = toQueuingStrategy(strategy);
      const source = sourceObject === undefined ? null : sourceObject;
      const dictionary = toUnderlyingSource(source);
      const stream = {
        __proto__: null, state: 'readable', reader: undefined, storedError: undefined,
        disturbed: false, controller: undefined, object: this,
      };
      this.#r = stream;
      if (dictionary.type === 'bytes') {
        if (strategyDictionary.size !== undefined) {
          throw new RangeErrorCtor('A byte stream\'s strategy cannot have a size');
        }
        const highWaterMark = extractHighWaterMark(strategyDictionary, 0);
        setUpReadableByteStreamControllerFromUnderlyingSource(stream, source, dictionary,
          highWaterMark);
      } else {
        const sizeAlgorithm = extractSizeAlgorithm(strategyDictionary);
        const highWaterMark = extractHighWaterMark(strategyDictionary, 1);
        setUpReadableStreamDefaultControllerFromUnderlyingSource(stream, source, dictionary,
          highWaterMark, sizeAlgorithm);
      }
    }

    static from(asyncIterable) {
      return readableStreamFromIterable(asyncIterable).object;
    }

    get locked() {
      return isReadableStreamLocked(this.#r);
    }

    cancel(reason = undefined) {
      const stream = readableStreamRecord(this);
      if (stream === null) return rejectedPromise(illegalInvocation());
      if (isReadableStreamLocked(stream)) {
        return rejectedPromise(new TypeErrorCtor('Cannot cancel a stream locked to a reader'));
      }
      return readableStreamCancel(stream, reason);
    }

    getReader(options = undefined) {
      const stream = this.#r;
      let mode = member(toDictionary(options, 'The options'), 'mode');
      if (mode !== undefined) {
        mode = `${mode}`;
        if (mode !== 'byob') {
          throw new TypeErrorCtor(`'${mode}' is not a valid ReadableStreamReaderMode`);
        }
      }
      if (mode === undefined) return acquireReadableStreamDefaultReader(stream).object;
      return acquireReadableStreamBYOBReader(stream).object;
    }

    pipeThrough(transform, options = undefined) {
      const stream = this.#r;
      if (!isObject(transform)) {
        throw new TypeErrorCtor('pipeThrough: transform must be a { readable, writable } pair');
      }
      const readable = readableStreamRecord(transform.readable);
      if (readable === null) {
        throw new TypeErrorCtor('pipeThrough: readable must be a ReadableStream');
      }
      const writable = writableStreamRecord(transform.writable);
      if (writable === null) {
        throw new TypeErrorCtor('pipeThrough: writable must be a WritableStream');
      }
      const pipeOptions = toStreamPipeOptions(options);
      if (isReadableStreamLocked(stream)) {
        throw new TypeErrorCtor('Cannot pipe a stream locked to a reader');
      }
      if (isWritableStreamLocked(writable)) {
        throw new TypeErrorCtor('Cannot pipe to a stream locked to a writer');
      }
      const promise = readableStreamPipeTo(stream, writable, pipeOptions.preventClose,
        pipeOptions.preventAbort, pipeOptions.preventCancel, pipeOptions.signal);
      markHandled(promise);
      return readable.object;
    }

    pipeTo(destination, options = undefined) {
      try {
        const stream = readableStreamRecord(this);
        if (stream === null) throw illegalInvocation();
        const dest = writableStreamRecord(destination);
        if (dest === null) throw new TypeErrorCtor('pipeTo: destination must be a WritableStream');
        const pipeOptions = toStreamPipeOptions(options);
        if (isReadableStreamLocked(stream)) {
          throw new TypeErrorCtor('Cannot pipe a stream locked to a reader');
        }
        if (isWritableStreamLocked(dest)) {
          throw new TypeErrorCtor('Cannot pipe to a stream locked to a writer');
        }
        return readableStreamPipeTo(stream, dest, pipeOptions.preventClose,
          pipeOptions.preventAbort, pipeOptions.preventCancel, pipeOptions.signal);
      } catch (error) {
        return rejectedPromise(error);
      }
    }

    tee() {
      const branches = readableStreamTee(this.#r);
      return [branches[0].object, branches[1].object];
    }

    values(options = undefined) {
      const stream = this.#r;
      const preventCancel = !!member(toDictionary(options, 'The options'), 'preventCancel');
      const reader = acquireReadableStreamDefaultReader(stream);
      return newAsyncIterator(reader, preventCancel);
    }
  }
  ObjectDefineProperty(ReadableStream.prototype, SymbolAsyncIterator, {
    value: ReadableStream.prototype.values, writable: true, configurable: true,
  });
  webidlClass(ReadableStream, 'ReadableStream');

  function illegalInvocation() {
    return new TypeErrorCtor('Illegal invocation');
  }

  // StreamPipeOptions: { preventAbort, preventCancel, preventClose, signal }, in that order.
  function toStreamPipeOptions(options) {
    const dictionary = toDictionary(options, 'The options');
    const preventAbort = !!member(dictionary, 'preventAbort');
    const preventCancel = !!member(dictionary, 'preventCancel');
    const preventClose = !!member(dictionary, 'preventClose');
    const signal = toAbortSignal(member(dictionary, 'signal'));
    return { __proto__: null, preventAbort, preventCancel, preventClose, signal };
  }

  // ----- Async iteration (WebIDL's asynchronous iterator prototype object) -----

  let newAsyncIterator; // (reader, preventCancel) => iterator object

  class ReadableStreamAsyncIterator {
    #reader;
    #preventCancel;
    #ongoing = null; // the ongoing promise
    #finished = false;

    static {
      newAsyncIterator = (reader, preventCancel) => {
        const iterator = new ReadableStreamAsyncIterator(kInternal);
        iterator.#reader = reader;
        iterator.#preventCancel = preventCancel;
        return iterator;
      };
    }

    constructor(token) {
      if (token !== kInternal) throw new TypeErrorCtor('Illegal constructor');
    }

    next() {
      if (!isObject(this) || !(#reader in this)) return rejectedPromise(illegalInvocation());
      const nextSteps = () => {
        if (this.#finished) return resolvedPromise(iterResult(undefined, true));
        const reader = this.#reader;
        const capability = newCapability();
        if (reader.stream === undefined) {
          capability.reject(new TypeErrorCtor('The iterator\'s reader was released'));
        } else {
          readableStreamDefaultReaderRead(reader, {
            __proto__: null,
            chunkSteps: (chunk) => capability.resolve(chunk),
            closeSteps: () => {
              readableStreamDefaultReaderRelease(reader);
              capability.resolve(kEndOfIteration);
            },
            errorSteps: (error) => {
              readableStreamDefaultReaderRelease(reader);
              capability.reject(error);
            },
          });
        }
        return react(capability.promise, (next) => {
          this.#ongoing = null;
          if (next === kEndOfIteration) {
            this.#finished = true;
            return iterResult(undefined, true);
          }
          return iterResult(next, false);
        }, (error) => {
          this.#ongoing = null;
          this.#finished = true;
          throw error;
        });
      };
      this.#ongoing = this.#ongoing !== null ? react(this.#ongoing, nextSteps, nextSteps)
        : nextSteps();
      return this.#ongoing;
    }

    return(value = undefined) {
      if (!isObject(this) || !(#reader in this)) return rejectedPromise(illegalInvocation());
      const returnSteps = () => {
        if (this.#finished) return resolvedPromise(iterResult(value, true));
        this.#finished = true;
        const reader = this.#reader;
        if (reader.stream === undefined) return resolvedPromise(undefined);
        if (!this.#preventCancel) {
          const result = readableStreamReaderGenericCancel(reader, value);
          readableStreamDefaultReaderRelease(reader);
          return result;
        }
        readableStreamDefaultReaderRelease(reader);
        return resolvedPromise(undefined);
      };
      const ongoing = this.#ongoing;
      this.#ongoing = ongoing !== null ? react(ongoing, returnSteps, returnSteps) : returnSteps();
      return react(this.#ongoing, () => iterResult(value, true));
    }
  }
  const kEndOfIteration = ObjectCreate(null);
  ObjectSetPrototypeOf(ReadableStreamAsyncIterator.prototype, AsyncIteratorPrototype);
  delete ReadableStreamAsyncIterator.prototype.constructor;
  webidlClass(ReadableStreamAsyncIterator, 'ReadableStream AsyncIterator');

  // ----- Readers -----

  function readerStream(reader) {
    if (reader.stream === undefined) throw new TypeErrorCtor('The reader has no stream');
    return reader.stream;
  }

  class ReadableStreamDefaultReader {
    #r;

    static {
      newDefaultReaderObject = (record) => {
        const reader = new ReadableStreamDefaultReader(kInternal);
        reader.#r = record;
        return reader;
      };
    }

    constructor(stream) {
      if (stream === kInternal) return;
      const record = readableStreamRecord(stream);
      if (record === null) throw new TypeErrorCtor('The argument must be a ReadableStream');
      const reader = {
        __proto__: null, kind: 'default', stream: undefined, closed: null,
        readRequests: newQueue(), readIntoRequests: null, object: this,
      };
      setUpReadableStreamDefaultReader(reader, record);
      this.#r = reader;
    }

    get closed() {
      if (!isObject(this) || !(#r in this)) return rejectedPromise(illegalInvocation());
      return this.#r.closed.promise;
    }

    cancel(reason = undefined) {
      if (!isObject(this) || !(#r in this)) return rejectedPromise(illegalInvocation());
      const reader = this.#r;
      if (reader.stream === undefined) {
        return rejectedPromise(new TypeErrorCtor('The reader has no stream'));
      }
      return readableStreamReaderGenericCancel(reader, reason);
    }

    read() {
      if (!isObject(this) || !(#r in this)) return rejectedPromise(illegalInvocation());
      const reader = this.#r;
      if (reader.stream === undefined) {
        return rejectedPromise(new TypeErrorCtor('The reader has no stream'));
      }
      const capability = newCapability();
      readableStreamDefaultReaderRead(reader, promiseReadRequest(capability));
      return capability.promise;
    }

    releaseLock() {
      const reader = this.#r;
      if (reader.stream === undefined) return;
      readableStreamDefaultReaderRelease(reader);
    }
  }
  webidlClass(ReadableStreamDefaultReader, 'ReadableStreamDefaultReader');

  class ReadableStreamBYOBReader {
    #r;

    static {
      newBYOBReaderObject = (record) => {
        const reader = new ReadableStreamBYOBReader(kInternal);
        reader.#r = record;
        return reader;
      };
    }

    constructor(stream) {
      if (stream === kInternal) return;
      const record = readableStreamRecord(stream);
      if (record === null) throw new TypeErrorCtor('The argument must be a ReadableStream');
      const reader = {
        __proto__: null, kind: 'byob', stream: undefined, closed: null, readRequests: null,
        readIntoRequests: newQueue(), object: this,
      };
      setUpReadableStreamBYOBReader(reader, record);
      this.#r = reader;
    }

    get closed() {
      if (!isObject(this) || !(#r in this)) return rejectedPromise(illegalInvocation());
      return this.#r.closed.promise;
    }

    cancel(reason = undefined) {
      if (!isObject(this) || !(#r in this)) return rejectedPromise(illegalInvocation());
      const reader = this.#r;
      if (reader.stream === undefined) {
        return rejectedPromise(new TypeErrorCtor('The reader has no stream'));
      }
      return readableStreamReaderGenericCancel(reader, reason);
    }

    read(view, options = undefined) {
      try {
        if (!isObject(this) || !(#r in this)) throw illegalInvocation();
        const reader = this.#r;
        const parts = viewParts(view);
        if (parts === null) throw new TypeErrorCtor('read() needs an ArrayBufferView');
        const minOption = member(toDictionary(options, 'The options'), 'min');
        const min = minOption === undefined ? 1 : toEnforceRangeULL(minOption, 'min');
        if (parts.byteLength === 0) throw new TypeErrorCtor('The view is empty');
        if (ArrayBufferPrototypeGetByteLength(parts.buffer) === 0) {
          throw new TypeErrorCtor('The view\'s buffer is empty');
        }
        if (isDetachedBuffer(parts.buffer)) {
          throw new TypeErrorCtor('The view\'s buffer is detached');
        }
        if (min === 0) throw new TypeErrorCtor('min must be greater than 0');
        const type = viewTypeOf(view);
        const length = type === 'DataView' ? parts.byteLength
          : parts.byteLength / elementSizeOf(type);
        if (min > length) throw new RangeErrorCtor('min is more than the view holds');
        if (reader.stream === undefined) throw new TypeErrorCtor('The reader has no stream');
        const capability = newCapability();
        readableStreamBYOBReaderRead(reader, view, min, promiseReadRequest(capability));
        return capability.promise;
      } catch (error) {
        return rejectedPromise(error);
      }
    }

    releaseLock() {
      const reader = this.#r;
      if (reader.stream === undefined) return;
      readableStreamBYOBReaderRelease(reader);
    }
  }
  webidlClass(ReadableStreamBYOBReader, 'ReadableStreamBYOBReader');

  // ----- Controllers -----

  class ReadableStreamDefaultController {
    #r;

    static {
      newDefaultControllerObject = (record) => {
        const controller = new ReadableStreamDefaultController(kInternal);
        controller.#r = record;
        return controller;
      };
    }

    constructor(token) {
      if (token !== kInternal) throw new TypeErrorCtor('Illegal constructor');
    }

    get desiredSize() {
      return readableStreamDefaultControllerGetDesiredSize(this.#r);
    }

    close() {
      const controller = this.#r;
      if (!readableStreamDefaultControllerCanCloseOrEnqueue(controller)) {
        throw new TypeErrorCtor('The stream is not in a state that permits close');
      }
      readableStreamDefaultControllerClose(controller);
    }

    enqueue(chunk = undefined) {
      const controller = this.#r;
      if (!readableStreamDefaultControllerCanCloseOrEnqueue(controller)) {
        throw new TypeErrorCtor('The stream is not in a state that permits enqueue');
      }
      readableStreamDefaultControllerEnqueue(controller, chunk);
    }

    error(e = undefined) {
      readableStreamDefaultControllerError(this.#r, e);
    }
  }
  webidlClass(ReadableStreamDefaultController, 'ReadableStreamDefaultController');

  class ReadableByteStreamController {
    #r;

    static {
      newByteControllerObject = (record) => {
        const controller = new ReadableByteStreamController(kInternal);
        controller.#r = record;
        return controller;
      };
    }

    constructor(token) {
      if (token !== kInternal) throw new TypeErrorCtor('Illegal constructor');
    }

    get byobRequest() {
      const request = readableByteStreamControllerGetBYOBRequest(this.#r);
      return request === null ? null : request.object;
    }

    get desiredSize() {
      return readableByteStreamControllerGetDesiredSize(this.#r);
    }

    close() {
      const controller = this.#r;
      if (controller.closeRequested) throw new TypeErrorCtor('The stream is already closing');
      if (controller.stream.state !== 'readable') {
        throw new TypeErrorCtor('The stream is not readable');
      }
      readableByteStreamControllerClose(controller);
    }

    enqueue(chunk) {
      const controller = this.#r;
      const parts = viewParts(chunk);
      if (parts === null) throw new TypeErrorCtor('The chunk must be an ArrayBufferView');
      if (parts.byteLength === 0) throw new TypeErrorCtor('The chunk is empty');
      if (ArrayBufferPrototypeGetByteLength(parts.buffer) === 0) {
        throw new TypeErrorCtor('The chunk\'s buffer is empty');
      }
      if (controller.closeRequested) throw new TypeErrorCtor('The stream is already closing');
      if (controller.stream.state !== 'readable') {
        throw new TypeErrorCtor('The stream is not readable');
      }
      readableByteStreamControllerEnqueue(controller, chunk);
    }

    error(e = undefined) {
      readableByteStreamControllerError(this.#r, e);
    }
  }
  webidlClass(ReadableByteStreamController, 'ReadableByteStreamController');

  class ReadableStreamBYOBRequest {
    #r;

    static {
      newBYOBRequestObject = (record) => {
        const request = new ReadableStreamBYOBRequest(kInternal);
        request.#r = record;
        return request;
      };
    }

    constructor(token) {
      if (token !== kInternal) throw new TypeErrorCtor('Illegal constructor');
    }

    get view() {
      return this.#r.view;
    }

    respond(bytesWritten) {
      const request = this.#r;
      const written = toEnforceRangeULL(bytesWritten, 'bytesWritten');
      if (request.controller === undefined) {
        throw new TypeErrorCtor('The request was already answered');
      }
      if (isDetachedBuffer(viewParts(request.view).buffer)) {
        throw new TypeErrorCtor('The view\'s buffer is detached');
      }
      readableByteStreamControllerRespond(request.controller, written);
    }

    respondWithNewView(view) {
      const request = this.#r;
      const parts = viewParts(view);
      if (parts === null) throw new TypeErrorCtor('The view must be an ArrayBufferView');
      if (request.controller === undefined) {
        throw new TypeErrorCtor('The request was already answered');
      }
      if (isDetachedBuffer(parts.buffer)) throw new TypeErrorCtor('The view\'s buffer is detached');
      readableByteStreamControllerRespondWithNewView(request.controller, view);
    }
  }
  webidlClass(ReadableStreamBYOBRequest, 'ReadableStreamBYOBRequest');

  // ===== WritableStream: records ===========================================================

  let newWritableStreamObject; // (record) => WritableStream
  let writableStreamRecord; // (value) => record or null
  let newWriterObject; // (record) => WritableStreamDefaultWriter
  let newWritableControllerObject; // (record) => WritableStreamDefaultController
  const kCloseSentinel = ObjectCreate(null);

  function newWritableStreamRecord(object) {
    return {
      __proto__: null,
      state: 'writable', // 'closed' | 'erroring' | 'errored'
      storedError: undefined,
      writer: undefined,
      controller: undefined,
      inFlightWriteRequest: undefined,
      closeRequest: undefined,
      inFlightCloseRequest: undefined,
      pendingAbortRequest: undefined,
      writeRequests: newQueue(),
      backpressure: false,
      object,
    };
  }

  function createWritableStream(startAlgorithm, writeAlgorithm, closeAlgorithm, abortAlgorithm,
    highWaterMark, sizeAlgorithm) {
    const stream = newWritableStreamRecord(null);
    stream.object = newWritableStreamObject(stream);
    const controller = newWritableControllerRecord();
    setUpWritableStreamDefaultController(stream, controller, startAlgorithm, writeAlgorithm,
      closeAlgorithm, abortAlgorithm, highWaterMark, sizeAlgorithm);
    return stream;
  }

  const isWritableStreamLocked = (stream) => stream.writer !== undefined;

  function writableStreamAbort(stream, reason) {
    if (stream.state === 'closed' || stream.state === 'errored') {
      return resolvedPromise(undefined);
    }
    signalControllerAbort(stream.controller, reason);
    const state = stream.state;
    if (state === 'closed' || state === 'errored') return resolvedPromise(undefined);
    if (stream.pendingAbortRequest !== undefined) {
      return stream.pendingAbortRequest.capability.promise;
    }
    let wasAlreadyErroring = false;
    if (state === 'erroring') {
      wasAlreadyErroring = true;
      reason = undefined;
    }
    const capability = newCapability();
    stream.pendingAbortRequest = { __proto__: null, capability, reason, wasAlreadyErroring };
    if (!wasAlreadyErroring) writableStreamStartErroring(stream, reason);
    return capability.promise;
  }

  function writableStreamClose(stream) {
    const state = stream.state;
    if (state === 'closed' || state === 'errored') {
      return rejectedPromise(new TypeErrorCtor('The stream is closed or errored'));
    }
    const capability = newCapability();
    stream.closeRequest = capability;
    const writer = stream.writer;
    if (writer !== undefined && stream.backpressure && state === 'writable') {
      writer.ready.resolve(undefined);
    }
    writableStreamDefaultControllerClose(stream.controller);
    return capability.promise;
  }

  function writableStreamAddWriteRequest(stream) {
    const capability = newCapability();
    queuePush(stream.writeRequests, capability);
    return capability.promise;
  }

  function writableStreamDealWithRejection(stream, error) {
    if (stream.state === 'writable') {
      writableStreamStartErroring(stream, error);
      return;
    }
    writableStreamFinishErroring(stream);
  }

  function writableStreamFinishErroring(stream) {
    stream.state = 'errored';
    stream.controller.errorSteps();
    const storedError = stream.storedError;
    const requests = queueDrain(stream.writeRequests);
    for (let i = 0; i < requests.length; i++) requests[i].reject(storedError);
    if (stream.pendingAbortRequest === undefined) {
      writableStreamRejectCloseAndClosedPromiseIfNeeded(stream);
      return;
    }
    const abortRequest = stream.pendingAbortRequest;
    stream.pendingAbortRequest = undefined;
    if (abortRequest.wasAlreadyErroring) {
      abortRequest.capability.reject(storedError);
      writableStreamRejectCloseAndClosedPromiseIfNeeded(stream);
      return;
    }
    const promise = stream.controller.abortSteps(abortRequest.reason);
    uponPromise(promise, () => {
      abortRequest.capability.resolve(undefined);
      writableStreamRejectCloseAndClosedPromiseIfNeeded(stream);
    }, (reason) => {
      abortRequest.capability.reject(reason);
      writableStreamRejectCloseAndClosedPromiseIfNeeded(stream);
    });
  }

  function writableStreamFinishInFlightClose(stream) {
    stream.inFlightCloseRequest.resolve(undefined);
    stream.inFlightCloseRequest = undefined;
    if (stream.state === 'erroring') {
      stream.storedError = undefined;
      if (stream.pendingAbortRequest !== undefined) {
        stream.pendingAbortRequest.capability.resolve(undefined);
        stream.pendingAbortRequest = undefined;
      }
    }
    stream.state = 'closed';
    const writer = stream.writer;
    if (writer !== undefined) writer.closed.resolve(undefined);
  }

  function writableStreamFinishInFlightCloseWithError(stream, error) {
    stream.inFlightCloseRequest.reject(error);
    stream.inFlightCloseRequest = undefined;
    if (stream.pendingAbortRequest !== undefined) {
      stream.pendingAbortRequest.capability.reject(error);
      stream.pendingAbortRequest = undefined;
    }
    writableStreamDealWithRejection(stream, error);
  }

  function writableStreamFinishInFlightWrite(stream) {
    stream.inFlightWriteRequest.resolve(undefined);
    stream.inFlightWriteRequest = undefined;
  }

  function writableStreamFinishInFlightWriteWithError(stream, error) {
    stream.inFlightWriteRequest.reject(error);
    stream.inFlightWriteRequest = undefined;
    writableStreamDealWithRejection(stream, error);
  }

  const writableStreamHasOperationMarkedInFlight = (stream) =>
    stream.inFlightWriteRequest !== undefined || stream.inFlightCloseRequest !== undefined;
  const writableStreamCloseQueuedOrInFlight = (stream) =>
    stream.closeRequest !== undefined || stream.inFlightCloseRequest !== undefined;

  function writableStreamMarkCloseRequestInFlight(stream) {
    stream.inFlightCloseRequest = stream.closeRequest;
    stream.closeRequest = undefined;
  }
  function writableStreamMarkFirstWriteRequestInFlight(stream) {
    stream.inFlightWriteRequest = queueShift(stream.writeRequests);
  }

  function writableStreamRejectCloseAndClosedPromiseIfNeeded(stream) {
    if (stream.closeRequest !== undefined) {
      stream.closeRequest.reject(stream.storedError);
      stream.closeRequest = undefined;
    }
    const writer = stream.writer;
    if (writer !== undefined) {
      writer.closed.reject(stream.storedError);
      markHandled(writer.closed.promise);
    }
  }

  function writableStreamStartErroring(stream, reason) {
    const controller = stream.controller;
    stream.state = 'erroring';
    stream.storedError = reason;
    const writer = stream.writer;
    if (writer !== undefined) writableStreamDefaultWriterEnsureReadyPromiseRejected(writer, reason);
    if (!writableStreamHasOperationMarkedInFlight(stream) && controller.started) {
      writableStreamFinishErroring(stream);
    }
  }

  function writableStreamUpdateBackpressure(stream, backpressure) {
    const writer = stream.writer;
    if (writer !== undefined && backpressure !== stream.backpressure) {
      if (backpressure) writer.ready = newCapability();
      else writer.ready.resolve(undefined);
    }
    stream.backpressure = backpressure;
  }

  // ----- Writer -----

  function newWriterRecord(object) {
    return { __proto__: null, stream: undefined, ready: null, closed: null, object };
  }

  function acquireWritableStreamDefaultWriter(stream) {
    const writer = newWriterRecord(null);
    writer.object = newWriterObject(writer);
    setUpWritableStreamDefaultWriter(writer, stream);
    return writer;
  }

  function setUpWritableStreamDefaultWriter(writer, stream) {
    if (isWritableStreamLocked(stream)) {
      throw new TypeErrorCtor('The stream is locked to a writer');
    }
    writer.stream = stream;
    stream.writer = writer;
    const state = stream.state;
    if (state === 'writable') {
      if (!writableStreamCloseQueuedOrInFlight(stream) && stream.backpressure) {
        writer.ready = newCapability();
      } else {
        writer.ready = resolvedCapability(undefined);
      }
      writer.closed = newCapability();
    } else if (state === 'erroring') {
      writer.ready = rejectedCapability(stream.storedError);
      writer.closed = newCapability();
    } else if (state === 'closed') {
      writer.ready = resolvedCapability(undefined);
      writer.closed = resolvedCapability(undefined);
    } else {
      writer.ready = rejectedCapability(stream.storedError);
      writer.closed = rejectedCapability(stream.storedError);
    }
  }

  function writableStreamDefaultWriterCloseWithErrorPropagation(writer) {
    const stream = writer.stream;
    const state = stream.state;
    if (writableStreamCloseQueuedOrInFlight(stream) || state === 'closed') {
      return resolvedPromise(undefined);
    }
    if (state === 'errored') return rejectedPromise(stream.storedError);
    return writableStreamClose(stream);
  }

  function writableStreamDefaultWriterEnsureClosedPromiseRejected(writer, error) {
    if (!writer.closed.settled) writer.closed.reject(error);
    else writer.closed = rejectedCapability(error);
    markHandled(writer.closed.promise);
  }

  function writableStreamDefaultWriterEnsureReadyPromiseRejected(writer, error) {
    if (!writer.ready.settled) writer.ready.reject(error);
    else writer.ready = rejectedCapability(error);
    markHandled(writer.ready.promise);
  }

  function writableStreamDefaultWriterGetDesiredSize(writer) {
    const stream = writer.stream;
    const state = stream.state;
    if (state === 'errored' || state === 'erroring') return null;
    if (state === 'closed') return 0;
    return writableStreamDefaultControllerGetDesiredSize(stream.controller);
  }

  function writableStreamDefaultWriterRelease(writer) {
    const stream = writer.stream;
    const releasedError = new TypeErrorCtor('The writer was released');
    writableStreamDefaultWriterEnsureReadyPromiseRejected(writer, releasedError);
    writableStreamDefaultWriterEnsureClosedPromiseRejected(writer, releasedError);
    stream.writer = undefined;
    writer.stream = undefined;
  }

  function writableStreamDefaultWriterWrite(writer, chunk) {
    const stream = writer.stream;
    const controller = stream.controller;
    const chunkSize = writableStreamDefaultControllerGetChunkSize(controller, chunk);
    if (stream !== writer.stream) {
      return rejectedPromise(new TypeErrorCtor('The writer was released'));
    }
    const state = stream.state;
    if (state === 'errored') return rejectedPromise(stream.storedError);
    if (writableStreamCloseQueuedOrInFlight(stream) || state === 'closed') {
      return rejectedPromise(new TypeErrorCtor('The stream is closing or closed'));
    }
    if (state === 'erroring') return rejectedPromise(stream.storedError);
    const promise = writableStreamAddWriteRequest(stream);
    writableStreamDefaultControllerWrite(controller, chunk, chunkSize);
    return promise;
  }

  // ----- WritableStreamDefaultController -----

  function newWritableControllerRecord() {
    const controller = {
      __proto__: null,
      stream: undefined,
      queue: newQueue(),
      queueTotalSize: 0,
      started: false,
      strategySizeAlgorithm: undefined,
      strategyHWM: 0,
      writeAlgorithm: undefined,
      closeAlgorithm: undefined,
      abortAlgorithm: undefined,
      abortSignal: null, // an AbortSignal, made when `signal` is first read
      abortReason: undefined,
      aborted: false,
      abortSteps: null,
      errorSteps: null,
      object: null,
    };
    controller.object = newWritableControllerObject(controller);
    controller.abortSteps = (reason) => {
      const result = controller.abortAlgorithm(reason);
      writableStreamDefaultControllerClearAlgorithms(controller);
      return result;
    };
    controller.errorSteps = () => resetQueue(controller);
    return controller;
  }

  // The controller's AbortSignal is made only when someone reads `signal` (it needs the
  // 'abort' module); an abort before that is remembered for it.
  function signalControllerAbort(controller, reason) {
    if (controller.aborted) return;
    controller.aborted = true;
    controller.abortReason = reason;
    if (controller.abortSignal !== null) {
      abortInternals().signalAbort(controller.abortSignal, reason);
    }
  }

  function setUpWritableStreamDefaultController(stream, controller, startAlgorithm,
    writeAlgorithm, closeAlgorithm, abortAlgorithm, highWaterMark, sizeAlgorithm) {
    controller.stream = stream;
    stream.controller = controller;
    resetQueue(controller);
    controller.started = false;
    controller.strategySizeAlgorithm = sizeAlgorithm;
    controller.strategyHWM = highWaterMark;
    controller.writeAlgorithm = writeAlgorithm;
    controller.closeAlgorithm = closeAlgorithm;
    controller.abortAlgorithm = abortAlgorithm;
    const backpressure = writableStreamDefaultControllerGetBackpressure(controller);
    writableStreamUpdateBackpressure(stream, backpressure);
    const startResult = startAlgorithm();
    uponPromise(promiseResolve(startResult), () => {
      controller.started = true;
      writableStreamDefaultControllerAdvanceQueueIfNeeded(controller);
    }, (error) => {
      controller.started = true;
      writableStreamDealWithRejection(stream, error);
    });
  }

  // UnderlyingSink: { abort, close, start, type, write }, in that order.
  function toUnderlyingSink(sink) {
    return {
      __proto__: null,
      abort: toCallback(member(sink, 'abort'), 'The sink\'s abort'),
      close: toCallback(member(sink, 'close'), 'The sink\'s close'),
      start: toCallback(member(sink, 'start'), 'The sink\'s start'),
      type: member(sink, 'type'),
      write: toCallback(member(sink, 'write'), 'The sink\'s write'),
    };
  }

  function setUpWritableStreamDefaultControllerFromUnderlyingSink(stream, sink, dictionary,
    highWaterMark, sizeAlgorithm) {
    const { abort, close, start, write } = dictionary;
    const controller = newWritableControllerRecord();
    const controllerObject = controller.object;
    setUpWritableStreamDefaultController(stream, controller,
      start === undefined ? noop : () => ReflectApply(start, sink, [controllerObject]),
      write === undefined ? () => resolvedPromise(undefined)
        : (chunk) => promiseCall(write, sink, [chunk, controllerObject]),
      close === undefined ? () => resolvedPromise(undefined) : () => promiseCall(close, sink, []),
      abort === undefined ? () => resolvedPromise(undefined)
        : (reason) => promiseCall(abort, sink, [reason]),
      highWaterMark, sizeAlgorithm);
  }

  function writableStreamDefaultControllerAdvanceQueueIfNeeded(controller) {
    const stream = controller.stream;
    if (!controller.started) return;
    if (stream.inFlightWriteRequest !== undefined) return;
    const state = stream.state;
    if (state === 'erroring') {
      writableStreamFinishErroring(stream);
      return;
    }
    if (queueLength(controller.queue) === 0) return;
    const value = peekQueueValue(controller);
    if (value === kCloseSentinel) writableStreamDefaultControllerProcessClose(controller);
    else writableStreamDefaultControllerProcessWrite(controller, value);
  }

  function writableStreamDefaultControllerClearAlgorithms(controller) {
    controller.writeAlgorithm = undefined;
    controller.closeAlgorithm = undefined;
    controller.abortAlgorithm = undefined;
    controller.strategySizeAlgorithm = undefined;
  }

  function writableStreamDefaultControllerClose(controller) {
    enqueueValueWithSize(controller, kCloseSentinel, 0);
    writableStreamDefaultControllerAdvanceQueueIfNeeded(controller);
  }

  function writableStreamDefaultControllerError(controller, error) {
    writableStreamDefaultControllerClearAlgorithms(controller);
    writableStreamStartErroring(controller.stream, error);
  }

  function writableStreamDefaultControllerErrorIfNeeded(controller, error) {
    if (controller.stream.state === 'writable') {
      writableStreamDefaultControllerError(controller, error);
    }
  }

  const writableStreamDefaultControllerGetBackpressure = (controller) =>
    writableStreamDefaultControllerGetDesiredSize(controller) <= 0;

  function writableStreamDefaultControllerGetChunkSize(controller, chunk) {
    if (controller.strategySizeAlgorithm === undefined) return 1;
    try {
      return controller.strategySizeAlgorithm(chunk);
    } catch (error) {
      writableStreamDefaultControllerErrorIfNeeded(controller, error);
      return 1;
    }
  }

  const writableStreamDefaultControllerGetDesiredSize = (controller) =>
    controller.strategyHWM - controller.queueTotalSize;

  function writableStreamDefaultControllerProcessClose(controller) {
    const stream = controller.stream;
    writableStreamMarkCloseRequestInFlight(stream);
    dequeueValue(controller);
    const sinkClosePromise = controller.closeAlgorithm();
    writableStreamDefaultControllerClearAlgorithms(controller);
    uponPromise(sinkClosePromise, () => writableStreamFinishInFlightClose(stream),
      (reason) => writableStreamFinishInFlightCloseWithError(stream, reason));
  }

  function writableStreamDefaultControllerProcessWrite(controller, chunk) {
    const stream = controller.stream;
    writableStreamMarkFirstWriteRequestInFlight(stream);
    const sinkWritePromise = controller.writeAlgorithm(chunk);
    uponPromise(sinkWritePromise, () => {
      writableStreamFinishInFlightWrite(stream);
      const state = stream.state;
      dequeueValue(controller);
      if (!writableStreamCloseQueuedOrInFlight(stream) && state === 'writable') {
        const backpressure = writableStreamDefaultControllerGetBackpressure(controller);
        writableStreamUpdateBackpressure(stream, backpressure);
      }
      writableStreamDefaultControllerAdvanceQueueIfNeeded(controller);
    }, (reason) => {
      if (stream.state === 'writable') writableStreamDefaultControllerClearAlgorithms(controller);
      writableStreamFinishInFlightWriteWithError(stream, reason);
    });
  }

  function writableStreamDefaultControllerWrite(controller, chunk, chunkSize) {
    try {
      enqueueValueWithSize(controller, chunk, chunkSize);
    } catch (error) {
      writableStreamDefaultControllerErrorIfNeeded(controller, error);
      return;
    }
    const stream = controller.stream;
    if (!writableStreamCloseQueuedOrInFlight(stream) && stream.state === 'writable') {
      const backpressure = writableStreamDefaultControllerGetBackpressure(controller);
      writableStreamUpdateBackpressure(stream, backpressure);
    }
    writableStreamDefaultControllerAdvanceQueueIfNeeded(controller);
  }

  // ===== WritableStream ====================================================================

  class WritableStream {
    #r;

    static {
      newWritableStreamObject = (record) => {
        const stream = new WritableStream(kInternal);
        stream.#r = record;
        return stream;
      };
      writableStreamRecord = (value) => (isObject(value) && #r in value ? value.#r : null);
    }

    constructor(underlyingSink = undefined, strategy = undefined) {
      if (underlyingSink === kInternal) return;
      const sinkObject = toObjectOrUndefined(underlyingSink, 'The underlying sink');
      const strategyDictionary = toQueuingStrategy(strategy);
      const sink = sinkObject === undefined ? null : sinkObject;
      const dictionary = toUnderlyingSink(sink);
      if (dictionary.type !== undefined) throw new RangeErrorCtor('Invalid type is specified');
      const stream = newWritableStreamRecord(this);
      this.#r = stream;
      const sizeAlgorithm = extractSizeAlgorithm(strategyDictionary);
      const highWaterMark = extractHighWaterMark(strategyDictionary, 1);
      setUpWritableStreamDefaultControllerFromUnderlyingSink(stream, sink, dictionary,
        highWaterMark, sizeAlgorithm);
    }

    get locked() {
      return isWritableStreamLocked(this.#r);
    }

    abort(reason = undefined) {
      const stream = writableStreamRecord(this);
      if (stream === null) return rejectedPromise(illegalInvocation());
      if (isWritableStreamLocked(stream)) {
        return rejectedPromise(new TypeErrorCtor('Cannot abort a stream locked to a writer'));
      }
      return writableStreamAbort(stream, reason);
    }

    close() {
      const stream = writableStreamRecord(this);
      if (stream === null) return rejectedPromise(illegalInvocation());
      if (isWritableStreamLocked(stream)) {
        return rejectedPromise(new TypeErrorCtor('Cannot close a stream locked to a writer'));
      }
      if (writableStreamCloseQueuedOrInFlight(stream)) {
        return rejectedPromise(new TypeErrorCtor('The stream is already closing'));
      }
      return writableStreamClose(stream);
    }

    getWriter() {
      return acquireWritableStreamDefaultWriter(this.#r).object;
    }
  }
  webidlClass(WritableStream, 'WritableStream');

  class WritableStreamDefaultWriter {
    #r;

    static {
      newWriterObject = (record) => {
        const writer = new WritableStreamDefaultWriter(kInternal);
        writer.#r = record;
        return writer;
      };
    }

    constructor(stream) {
      if (stream === kInternal) return;
      const record = writableStreamRecord(stream);
      if (record === null) throw new TypeErrorCtor('The argument must be a WritableStream');
      const writer = newWriterRecord(this);
      setUpWritableStreamDefaultWriter(writer, record);
      this.#r = writer;
    }

    get closed() {
      if (!isObject(this) || !(#r in this)) return rejectedPromise(illegalInvocation());
      return this.#r.closed.promise;
    }

    get desiredSize() {
      const writer = this.#r;
      if (writer.stream === undefined) throw new TypeErrorCtor('The writer has no stream');
      return writableStreamDefaultWriterGetDesiredSize(writer);
    }

    get ready() {
      if (!isObject(this) || !(#r in this)) return rejectedPromise(illegalInvocation());
      return this.#r.ready.promise;
    }

    abort(reason = undefined) {
      if (!isObject(this) || !(#r in this)) return rejectedPromise(illegalInvocation());
      const writer = this.#r;
      if (writer.stream === undefined) {
        return rejectedPromise(new TypeErrorCtor('The writer has no stream'));
      }
      return writableStreamAbort(writer.stream, reason);
    }

    close() {
      if (!isObject(this) || !(#r in this)) return rejectedPromise(illegalInvocation());
      const writer = this.#r;
      const stream = writer.stream;
      if (stream === undefined) {
        return rejectedPromise(new TypeErrorCtor('The writer has no stream'));
      }
      if (writableStreamCloseQueuedOrInFlight(stream)) {
        return rejectedPromise(new TypeErrorCtor('The stream is already closing'));
      }
      return writableStreamClose(stream);
    }

    releaseLock() {
      const writer = this.#r;
      if (writer.stream === undefined) return;
      writableStreamDefaultWriterRelease(writer);
    }

    write(chunk = undefined) {
      if (!isObject(this) || !(#r in this)) return rejectedPromise(illegalInvocation());
      const writer = this.#r;
      if (writer.stream === undefined) {
        return rejectedPromise(new TypeErrorCtor('The writer has no stream'));
      }
      return writableStreamDefaultWriterWrite(writer, chunk);
    }
  }
  webidlClass(WritableStreamDefaultWriter, 'WritableStreamDefaultWriter');

  class WritableStreamDefaultController {
    #r;

    static {
      newWritableControllerObject = (record) => {
        const controller = new WritableStreamDefaultController(kInternal);
        controller.#r = record;
        return controller;
      };
    }

    constructor(token) {
      if (token !== kInternal) throw new TypeErrorCtor('Illegal constructor');
    }

    // Undefined where the runtime has no AbortSignal.
    get signal() {
      const controller = this.#r;
      if (controller.abortSignal === null) {
        const internals = abortInternals();
        if (internals === null) return undefined;
        controller.abortSignal = new (rt.require('abort').AbortController)().signal;
        if (controller.aborted) {
          internals.signalAbort(controller.abortSignal, controller.abortReason);
        }
      }
      return controller.abortSignal;
    }

    error(e = undefined) {
      const controller = this.#r;
      if (controller.stream.state !== 'writable') return;
      writableStreamDefaultControllerError(controller, e);
    }
  }
  webidlClass(WritableStreamDefaultController, 'WritableStreamDefaultController');

  // ===== TransformStream ===================================================================

  let newTransformStreamObject; // (record) => TransformStream
  let newTransformControllerObject; // (record) => TransformStreamDefaultController

  function newTransformStreamRecord(object) {
    return {
      __proto__: null, readable: undefined, writable: undefined, backpressure: undefined,
      backpressureChangePromise: undefined, controller: undefined, object,
    };
  }

  function initializeTransformStream(stream, startPromise, writableHighWaterMark,
    writableSizeAlgorithm, readableHighWaterMark, readableSizeAlgorithm) {
    const startAlgorithm = () => startPromise;
    stream.writable = createWritableStream(startAlgorithm,
      (chunk) => transformStreamDefaultSinkWriteAlgorithm(stream, chunk),
      () => transformStreamDefaultSinkCloseAlgorithm(stream),
      (reason) => transformStreamDefaultSinkAbortAlgorithm(stream, reason),
      writableHighWaterMark, writableSizeAlgorithm);
    stream.readable = createReadableStream(startAlgorithm,
      () => transformStreamDefaultSourcePullAlgorithm(stream),
      (reason) => transformStreamDefaultSourceCancelAlgorithm(stream, reason),
      readableHighWaterMark, readableSizeAlgorithm);
    stream.backpressure = undefined;
    stream.backpressureChangePromise = undefined;
    transformStreamSetBackpressure(stream, true);
    stream.controller = undefined;
  }

  function transformStreamError(stream, error) {
    readableStreamDefaultControllerError(stream.readable.controller, error);
    transformStreamErrorWritableAndUnblockWrite(stream, error);
  }

  function transformStreamErrorWritableAndUnblockWrite(stream, error) {
    transformStreamDefaultControllerClearAlgorithms(stream.controller);
    writableStreamDefaultControllerErrorIfNeeded(stream.writable.controller, error);
    transformStreamUnblockWrite(stream);
  }

  function transformStreamUnblockWrite(stream) {
    if (stream.backpressure) transformStreamSetBackpressure(stream, false);
  }

  function transformStreamSetBackpressure(stream, backpressure) {
    if (stream.backpressureChangePromise !== undefined) {
      stream.backpressureChangePromise.resolve(undefined);
    }
    stream.backpressureChangePromise = newCapability();
    stream.backpressure = backpressure;
  }

  function newTransformControllerRecord() {
    const controller = {
      __proto__: null, stream: undefined, transformAlgorithm: undefined,
      flushAlgorithm: undefined, cancelAlgorithm: undefined, finishPromise: undefined,
      object: null,
    };
    controller.object = newTransformControllerObject(controller);
    return controller;
  }

  function setUpTransformStreamDefaultController(stream, controller, transformAlgorithm,
    flushAlgorithm, cancelAlgorithm) {
    controller.stream = stream;
    stream.controller = controller;
    controller.transformAlgorithm = transformAlgorithm;
    controller.flushAlgorithm = flushAlgorithm;
    controller.cancelAlgorithm = cancelAlgorithm;
  }

  function transformStreamDefaultControllerClearAlgorithms(controller) {
    controller.transformAlgorithm = undefined;
    controller.flushAlgorithm = undefined;
    controller.cancelAlgorithm = undefined;
  }

  function transformStreamDefaultControllerEnqueue(controller, chunk) {
    const stream = controller.stream;
    const readableController = stream.readable.controller;
    if (!readableStreamDefaultControllerCanCloseOrEnqueue(readableController)) {
      throw new TypeErrorCtor('The readable side is not in a state that permits enqueue');
    }
    try {
      readableStreamDefaultControllerEnqueue(readableController, chunk);
    } catch (error) {
      transformStreamErrorWritableAndUnblockWrite(stream, error);
      throw stream.readable.storedError;
    }
    const backpressure = readableStreamDefaultControllerHasBackpressure(readableController);
    if (backpressure !== stream.backpressure) transformStreamSetBackpressure(stream, true);
  }

  function transformStreamDefaultControllerPerformTransform(controller, chunk) {
    const transformPromise = controller.transformAlgorithm(chunk);
    return react(transformPromise, undefined, (reason) => {
      transformStreamError(controller.stream, reason);
      throw reason;
    });
  }

  function transformStreamDefaultControllerTerminate(controller) {
    const stream = controller.stream;
    readableStreamDefaultControllerClose(stream.readable.controller);
    transformStreamErrorWritableAndUnblockWrite(stream,
      new TypeErrorCtor('The transform stream was terminated'));
  }

  function transformStreamDefaultSinkWriteAlgorithm(stream, chunk) {
    const controller = stream.controller;
    if (stream.backpressure) {
      return react(stream.backpressureChangePromise.promise, () => {
        const writable = stream.writable;
        if (writable.state === 'erroring') throw writable.storedError;
        return transformStreamDefaultControllerPerformTransform(controller, chunk);
      });
    }
    return transformStreamDefaultControllerPerformTransform(controller, chunk);
  }

  function transformStreamDefaultSinkAbortAlgorithm(stream, reason) {
    const controller = stream.controller;
    if (controller.finishPromise !== undefined) return controller.finishPromise.promise;
    const readable = stream.readable;
    const finish = controller.finishPromise = newCapability();
    const cancelPromise = controller.cancelAlgorithm(reason);
    transformStreamDefaultControllerClearAlgorithms(controller);
    uponPromise(cancelPromise, () => {
      if (readable.state === 'errored') {
        finish.reject(readable.storedError);
      } else {
        readableStreamDefaultControllerError(readable.controller, reason);
        finish.resolve(undefined);
      }
    }, (error) => {
      readableStreamDefaultControllerError(readable.controller, error);
      finish.reject(error);
    });
    return finish.promise;
  }

  function transformStreamDefaultSinkCloseAlgorithm(stream) {
    const controller = stream.controller;
    if (controller.finishPromise !== undefined) return controller.finishPromise.promise;
    const readable = stream.readable;
    const finish = controller.finishPromise = newCapability();
    const flushPromise = controller.flushAlgorithm();
    transformStreamDefaultControllerClearAlgorithms(controller);
    uponPromise(flushPromise, () => {
      if (readable.state === 'errored') {
        finish.reject(readable.storedError);
      } else {
        readableStreamDefaultControllerClose(readable.controller);
        finish.resolve(undefined);
      }
    }, (error) => {
      readableStreamDefaultControllerError(readable.controller, error);
      finish.reject(error);
    });
    return finish.promise;
  }

  function transformStreamDefaultSourceCancelAlgorithm(stream, reason) {
    const controller = stream.controller;
    if (controller.finishPromise !== undefined) return controller.finishPromise.promise;
    const writable = stream.writable;
    const finish = controller.finishPromise = newCapability();
    const cancelPromise = controller.cancelAlgorithm(reason);
    transformStreamDefaultControllerClearAlgorithms(controller);
    uponPromise(cancelPromise, () => {
      if (writable.state === 'errored') {
        finish.reject(writable.storedError);
      } else {
        writableStreamDefaultControllerErrorIfNeeded(writable.controller, reason);
        transformStreamUnblockWrite(stream);
        finish.resolve(undefined);
      }
    }, (error) => {
      writableStreamDefaultControllerErrorIfNeeded(writable.controller, error);
      transformStreamUnblockWrite(stream);
      finish.reject(error);
    });
    return finish.promise;
  }

  function transformStreamDefaultSourcePullAlgorithm(stream) {
    transformStreamSetBackpressure(stream, false);
    return stream.backpressureChangePromise.promise;
  }

  // A TransformStream whose steps are the runtime's (TextEncoderStream, body proxies):
  // transform(chunk, enqueue) and flush(enqueue), synchronous; what they throw errors the
  // stream. A missing transform passes chunks through.
  function createTransformStream(transform, flush) {
    const stream = newTransformStreamRecord(null);
    stream.object = newTransformStreamObject(stream);
    const startPromise = newCapability();
    initializeTransformStream(stream, startPromise.promise, 1, () => 1, 0, () => 1);
    const controller = newTransformControllerRecord();
    const enqueue = (chunk) => transformStreamDefaultControllerEnqueue(controller, chunk);
    setUpTransformStreamDefaultController(stream, controller, (chunk) => {
      try {
        if (transform === undefined) enqueue(chunk);
        else transform(chunk, enqueue);
        return resolvedPromise(undefined);
      } catch (error) {
        return rejectedPromise(error);
      }
    }, () => {
      try {
        if (flush !== undefined) flush(enqueue);
        return resolvedPromise(undefined);
      } catch (error) {
        return rejectedPromise(error);
      }
    }, () => resolvedPromise(undefined));
    startPromise.resolve(undefined);
    return stream;
  }

  class TransformStream {
    #r;

    static {
      newTransformStreamObject = (record) => {
        const stream = new TransformStream(kInternal);
        stream.#r = record;
        return stream;
      };
    }

    constructor(transformer = undefined, writableStrategy = undefined,
      readableStrategy = undefined) {
      if (transformer === kInternal) return;
      const transformerObject = toObjectOrUndefined(transformer, 'The transformer');
      const writableStrategyDictionary = toQueuingStrategy(writableStrategy);
      const readableStrategyDictionary = toQueuingStrategy(readableStrategy);
      const source = transformerObject === undefined ? null : transformerObject;
      // Transformer: { cancel, flush, readableType, start, transform, writableType }.
      const cancel = toCallback(member(source, 'cancel'), 'The transformer\'s cancel');
      const flush = toCallback(member(source, 'flush'), 'The transformer\'s flush');
      const readableType = member(source, 'readableType');
      const start = toCallback(member(source, 'start'), 'The transformer\'s start');
      const transform = toCallback(member(source, 'transform'), 'The transformer\'s transform');
      const writableType = member(source, 'writableType');
      if (readableType !== undefined) throw new RangeErrorCtor('Invalid readableType specified');
      if (writableType !== undefined) throw new RangeErrorCtor('Invalid writableType specified');
      const readableHighWaterMark = extractHighWaterMark(readableStrategyDictionary, 0);
      const readableSizeAlgorithm = extractSizeAlgorithm(readableStrategyDictionary);
      const writableHighWaterMark = extractHighWaterMark(writableStrategyDictionary, 1);
      const writableSizeAlgorithm = extractSizeAlgorithm(writableStrategyDictionary);
      const stream = newTransformStreamRecord(this);
      this.#r = stream;
      const startPromise = newCapability();
      initializeTransformStream(stream, startPromise.promise, writableHighWaterMark,
        writableSizeAlgorithm, readableHighWaterMark, readableSizeAlgorithm);
      const controller = newTransformControllerRecord();
      const controllerObject = controller.object;
      setUpTransformStreamDefaultController(stream, controller,
        transform === undefined ? (chunk) => {
          try {
            transformStreamDefaultControllerEnqueue(controller, chunk);
            return resolvedPromise(undefined);
          } catch (error) {
            return rejectedPromise(error);
          }
        } : (chunk) => promiseCall(transform, source, [chunk, controllerObject]),
        flush === undefined ? () => resolvedPromise(undefined)
          : () => promiseCall(flush, source, [controllerObject]),
        cancel === undefined ? () => resolvedPromise(undefined)
          : (reason) => promiseCall(cancel, source, [reason]));
      if (start !== undefined) {
        startPromise.resolve(ReflectApply(start, source, [controllerObject]));
      } else {
        startPromise.resolve(undefined);
      }
    }

    get readable() {
      return this.#r.readable.object;
    }

    get writable() {
      return this.#r.writable.object;
    }
  }
  webidlClass(TransformStream, 'TransformStream');

  class TransformStreamDefaultController {
    #r;

    static {
      newTransformControllerObject = (record) => {
        const controller = new TransformStreamDefaultController(kInternal);
        controller.#r = record;
        return controller;
      };
    }

    constructor(token) {
      if (token !== kInternal) throw new TypeErrorCtor('Illegal constructor');
    }

    get desiredSize() {
      const readableController = this.#r.stream.readable.controller;
      return readableStreamDefaultControllerGetDesiredSize(readableController);
    }

    enqueue(chunk = undefined) {
      transformStreamDefaultControllerEnqueue(this.#r, chunk);
    }

    error(reason = undefined) {
      transformStreamError(this.#r.stream, reason);
    }

    terminate() {
      transformStreamDefaultControllerTerminate(this.#r);
    }
  }
  webidlClass(TransformStreamDefaultController, 'TransformStreamDefaultController');

  // ===== Queuing strategies ================================================================

  // One function per realm, as the specification asks: `size` is the same object each time.
  const byteLengthSize = (chunk) => chunk.byteLength;
  ObjectDefineProperty(byteLengthSize, 'name', { value: 'size', configurable: true });
  const countSize = () => 1;
  ObjectDefineProperty(countSize, 'name', { value: 'size', configurable: true });

  function strategyHighWaterMark(init, what) {
    if (!isObject(init)) {
      throw new TypeErrorCtor(`Failed to construct '${what}': 1 argument required, ` +
        'an object with a highWaterMark');
    }
    const highWaterMark = init.highWaterMark;
    if (highWaterMark === undefined) {
      throw new TypeErrorCtor(`Failed to construct '${what}': highWaterMark is required`);
    }
    return toUnrestrictedDouble(highWaterMark);
  }

  class ByteLengthQueuingStrategy {
    #highWaterMark;

    constructor(init) {
      this.#highWaterMark = strategyHighWaterMark(init, 'ByteLengthQueuingStrategy');
    }

    get highWaterMark() {
      return this.#highWaterMark;
    }

    get size() {
      this.#highWaterMark; // brand check
      return byteLengthSize;
    }
  }
  webidlClass(ByteLengthQueuingStrategy, 'ByteLengthQueuingStrategy');

  class CountQueuingStrategy {
    #highWaterMark;

    constructor(init) {
      this.#highWaterMark = strategyHighWaterMark(init, 'CountQueuingStrategy');
    }

    get highWaterMark() {
      return this.#highWaterMark;
    }

    get size() {
      this.#highWaterMark; // brand check
      return countSize;
    }
  }
  webidlClass(CountQueuingStrategy, 'CountQueuingStrategy');

  // ===== For the runtime and the other modules =============================================

  // A readable byte stream of `bytes`, which the stream takes (pass a copy): one chunk,
  // enqueued when first pulled, then the end.
  function byteStreamOf(bytes) {
    let pending = TypedArrayPrototypeGetByteLength(bytes) > 0 ? bytes : null;
    let stream;
    const pull = () => {
      const controller = stream.controller;
      if (pending !== null) {
        const chunk = pending;
        pending = null;
        readableByteStreamControllerEnqueue(controller, chunk);
      }
      readableByteStreamControllerClose(controller);
      return resolvedPromise(undefined);
    };
    stream = createReadableByteStream(noop, pull, () => {
      pending = null;
      return resolvedPromise(undefined);
    });
    return stream.object;
  }

  // Reads `stream` to its end, one chunk at a time: `sink.chunk(value)` for each chunk (it
  // returns false to stop: the stream is then cancelled with `sink.stopReason()`), then
  // `sink.close()` or `sink.error(error)`. Read requests rather than promises, so that
  // nothing the user patched is involved; each chunk is handed out as it comes, which is
  // what streaming a response to a client will need.
  function pump(streamObject, sink) {
    const stream = readableStreamRecord(streamObject);
    const reader = acquireReadableStreamDefaultReader(stream);
    let readAgain = false;
    let reading = false;
    const readRequest = {
      __proto__: null,
      chunkSteps: (chunk) => {
        let more;
        try {
          more = sink.chunk(chunk);
        } catch (error) {
          more = false;
        }
        if (!more) {
          uponPromise(readableStreamReaderGenericCancel(reader, sink.stopReason()), noop, noop);
          return;
        }
        // Chunks that are already queued arrive synchronously: loop rather than recurse.
        if (reading) readAgain = true;
        else readNext();
      },
      closeSteps: () => sink.close(),
      errorSteps: (error) => sink.error(error),
    };
    const readNext = () => {
      do {
        readAgain = false;
        reading = true;
        readableStreamDefaultReaderRead(reader, readRequest);
        reading = false;
      } while (readAgain);
    };
    readNext();
  }

  const isDisturbed = (streamObject) => readableStreamRecord(streamObject).disturbed;
  const isLocked = (streamObject) => isReadableStreamLocked(readableStreamRecord(streamObject));
  const teeStream = (streamObject) => {
    const branches = readableStreamTee(readableStreamRecord(streamObject));
    return [branches[0].object, branches[1].object];
  };
  const cancelStream = (streamObject, reason) =>
    readableStreamCancel(readableStreamRecord(streamObject), reason);
  // Fetch's "create a proxy": the stream piped through an identity TransformStream.
  function proxyStream(streamObject) {
    const transform = createTransformStream(undefined, undefined);
    const promise = readableStreamPipeTo(readableStreamRecord(streamObject), transform.writable,
      false, false, false, undefined);
    markHandled(promise);
    return transform.readable.object;
  }
  const newTransform = (transform, flush) => createTransformStream(transform, flush);
  const transformReadable = (transform) => transform.readable.object;
  const transformWritable = (transform) => transform.writable.object;

  return {
    ReadableStream, ReadableStreamDefaultReader, ReadableStreamBYOBReader,
    ReadableStreamDefaultController, ReadableByteStreamController, ReadableStreamBYOBRequest,
    WritableStream, WritableStreamDefaultWriter, WritableStreamDefaultController,
    TransformStream, TransformStreamDefaultController, ByteLengthQueuingStrategy,
    CountQueuingStrategy,
    // Internal.
    isReadableStream: (value) => readableStreamRecord(value) !== null,
    isDisturbed, isLocked, byteStreamOf, pump, teeStream, cancelStream, proxyStream,
    newTransform, transformReadable, transformWritable,
  };
})
