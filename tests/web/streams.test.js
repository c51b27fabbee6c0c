// Streams Standard: ReadableStream (default and byte), readers, tee, pipeTo/pipeThrough,
// async iteration, ReadableStream.from, WritableStream, TransformStream, queuing strategies,
// and the Encoding Standard's TextEncoderStream/TextDecoderStream. Cases follow the
// specification and the web-platform-tests in streams/ and encoding/streams/. There are no
// timers here: "later" is a number of microtasks.

async function microtasks(count = 20) {
  for (let i = 0; i < count; i++) await Promise.resolve();
}

async function readAll(stream) {
  const reader = stream.getReader();
  const chunks = [];
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return chunks;
    chunks.push(value);
  }
}

function bytesOf(view) {
  return Array.from(new Uint8Array(view.buffer, view.byteOffset, view.byteLength));
}

// ----- ReadableStream: construction -----

test('ReadableStream constructor: arguments are checked as WebIDL says', () => {
  new ReadableStream();
  new ReadableStream({});
  new ReadableStream(undefined, undefined);
  assertThrows(() => new ReadableStream(null), TypeError);
  assertThrows(() => new ReadableStream(1), TypeError);
  assertThrows(() => new ReadableStream({ type: 'nope' }), TypeError);
  assertThrows(() => new ReadableStream({ start: 'x' }), TypeError);
  assertThrows(() => new ReadableStream({ pull: {} }), TypeError);
  assertThrows(() => new ReadableStream({ cancel: 1 }), TypeError);
  assertThrows(() => new ReadableStream({}, { highWaterMark: -1 }), RangeError);
  assertThrows(() => new ReadableStream({}, { highWaterMark: NaN }), RangeError);
  assertThrows(() => new ReadableStream({}, { size: 1 }), TypeError);
  assertThrows(() => new ReadableStream({ type: 'bytes' }, { size() { return 1; } }), RangeError);
  assertThrows(() => new ReadableStream({ type: 'bytes', autoAllocateChunkSize: 0 }), TypeError);
  const error = new Error('start');
  assert(assertThrows(() => new ReadableStream({ start() { throw error; } })) === error);
});

test('ReadableStream: the underlying source is read in WebIDL order, once', () => {
  const seen = [];
  const source = {};
  for (const key of ['start', 'type', 'pull', 'cancel', 'autoAllocateChunkSize']) {
    Object.defineProperty(source, key, { get() { seen.push(key); return undefined; } });
  }
  const strategy = {
    get size() { seen.push('size'); return undefined; },
    get highWaterMark() { seen.push('highWaterMark'); return undefined; },
  };
  new ReadableStream(source, strategy);
  assertEquals(seen, ['highWaterMark', 'size', 'autoAllocateChunkSize', 'cancel', 'pull', 'start',
    'type']);
});

test('ReadableStream: interfaces look as WebIDL lays them out', () => {
  const rs = new ReadableStream();
  assertEquals(Object.prototype.toString.call(rs), '[object ReadableStream]');
  assertEquals(Object.prototype.toString.call(rs.getReader()),
    '[object ReadableStreamDefaultReader]');
  assertEquals(ReadableStream.prototype[Symbol.asyncIterator], ReadableStream.prototype.values);
  assertEquals(ReadableStream.length, 0);
  assert(Object.getOwnPropertyDescriptor(ReadableStream.prototype, 'locked').enumerable);
  assertThrows(() => new ReadableStreamDefaultController(), TypeError);
  assertThrows(() => new ReadableByteStreamController(), TypeError);
  assertThrows(() => new ReadableStreamBYOBRequest(), TypeError);
  assertThrows(() => ReadableStream.prototype.getReader.call({}), TypeError);
  const locked = Object.getOwnPropertyDescriptor(ReadableStream.prototype, 'locked').get;
  assertThrows(() => locked.call({}), TypeError);
});

test('ReadableStream: start gets the controller, then pull runs while there is room', async () => {
  let controller;
  let pulls = 0;
  const rs = new ReadableStream({
    start(c) { controller = c; },
    pull(c) {
      pulls++;
      c.enqueue(pulls);
    },
  }, { highWaterMark: 2 });
  assertEquals(controller.desiredSize, 2);
  assertEquals(pulls, 0, 'pull waits for start to settle');
  await microtasks();
  assertEquals(pulls, 2, 'pulled up to the high-water mark');
  assertEquals(controller.desiredSize, 0);
  const reader = rs.getReader();
  assertEquals((await reader.read()).value, 1);
  await microtasks();
  assertEquals(pulls, 3);
});

test('ReadableStream: pull is not called again until its promise settles', async () => {
  let pulls = 0;
  let release;
  const rs = new ReadableStream({
    pull() {
      pulls++;
      return new Promise((resolve) => { release = resolve; });
    },
  });
  await microtasks(); // start settles: pull fills the queue (one pull, pending)
  assertEquals(pulls, 1);
  const reader = rs.getReader();
  reader.read();
  reader.read();
  await microtasks();
  assertEquals(pulls, 1);
  release();
  await microtasks();
  assertEquals(pulls, 2);
});

test('ReadableStream: a rejected start or pull errors the stream', async () => {
  const error = new Error('pull failed');
  const rs = new ReadableStream({ pull() { throw error; } });
  const reader = rs.getReader();
  const thrown = await assertRejects(() => reader.read());
  assert(thrown === error);
  assert(await reader.closed.catch((e) => e) === error);
  const started = new ReadableStream({ start() { return Promise.reject(error); } });
  assert(await started.getReader().read().catch((e) => e) === error);
});

// ----- Readers and the default controller -----

test('ReadableStreamDefaultReader: reads chunks in order, then done', async () => {
  const rs = new ReadableStream({
    start(c) {
      c.enqueue('a');
      c.enqueue('b');
      c.close();
    },
  });
  const reader = rs.getReader();
  assert(rs.locked);
  assertEquals(await reader.read(), { value: 'a', done: false });
  assertEquals(await reader.read(), { value: 'b', done: false });
  const end = await reader.read();
  assertEquals(end.done, true);
  assertEquals(end.value, undefined);
  assertEquals(await reader.closed, undefined);
  assertEquals((await reader.read()).done, true);
});

test('ReadableStreamDefaultReader: one reader at a time; releaseLock fails reads', async () => {
  const rs = new ReadableStream();
  const reader = rs.getReader();
  assertThrows(() => rs.getReader(), TypeError);
  assertThrows(() => new ReadableStreamDefaultReader(rs), TypeError);
  assertThrows(() => new ReadableStreamDefaultReader({}), TypeError);
  const pending = reader.read();
  reader.releaseLock();
  await assertRejects(() => pending, TypeError);
  await assertRejects(() => reader.closed, TypeError);
  await assertRejects(() => reader.read(), TypeError);
  await assertRejects(() => reader.cancel(), TypeError);
  assert(!rs.locked);
  reader.releaseLock(); // a second time does nothing
  rs.getReader();
});

test('ReadableStreamDefaultController: close, enqueue and error where allowed', async () => {
  let controller;
  const rs = new ReadableStream({ start(c) { controller = c; } });
  controller.enqueue('x');
  controller.close();
  assertThrows(() => controller.close(), TypeError);
  assertThrows(() => controller.enqueue('y'), TypeError);
  const reader = rs.getReader();
  assertEquals((await reader.read()).value, 'x');
  assertEquals((await reader.read()).done, true);
  controller.error(new Error('ignored once closed'));
  assertEquals(await reader.closed, undefined);

  let errored;
  const rs2 = new ReadableStream({ start(c) { errored = c; } });
  const error = new Error('boom');
  errored.error(error);
  assertEquals(errored.desiredSize, null);
  assertThrows(() => errored.enqueue('z'), TypeError);
  assert(await rs2.getReader().read().catch((e) => e) === error);
});

test('ReadableStreamDefaultController: desiredSize follows the strategy', async () => {
  let controller;
  new ReadableStream({ start(c) { controller = c; } },
    { highWaterMark: 10, size: (chunk) => chunk.length });
  controller.enqueue('abc');
  assertEquals(controller.desiredSize, 7);
  controller.enqueue('defgh');
  assertEquals(controller.desiredSize, 2);
  assertThrows(() => controller.enqueue({ length: -1 }), RangeError);
  assertEquals(controller.desiredSize, null, 'a bad size errors the stream');

  let counted;
  new ReadableStream({ start(c) { counted = c; } }, new CountQueuingStrategy({ highWaterMark: 3 }));
  counted.enqueue('anything');
  assertEquals(counted.desiredSize, 2);
  let measured;
  new ReadableStream({ start(c) { measured = c; } },
    new ByteLengthQueuingStrategy({ highWaterMark: 16 }));
  measured.enqueue(new Uint8Array(10));
  assertEquals(measured.desiredSize, 6);
});

test('ReadableStream.cancel: the source is told why; reads end', async () => {
  let reason;
  const rs = new ReadableStream({
    start(c) { c.enqueue('dropped'); },
    cancel(r) { reason = r; return 'ignored'; },
  });
  assertEquals(await rs.cancel('why'), undefined);
  assertEquals(reason, 'why');
  const reader = rs.getReader();
  assertEquals((await reader.read()).done, true);

  const locked = new ReadableStream();
  const lockedReader = locked.getReader();
  await assertRejects(() => locked.cancel(), TypeError);
  const pending = lockedReader.read();
  await lockedReader.cancel('via reader');
  assertEquals((await pending).done, true);
  const error = new Error('cancel failed');
  await assertRejects(() => new ReadableStream({ cancel() { throw error; } }).cancel(), Error);
});

// ----- tee -----

test('tee: both branches see every chunk; the source is cancelled when both are', async () => {
  let cancelReason;
  const rs = new ReadableStream({
    start(c) {
      c.enqueue('a');
      c.enqueue('b');
      c.close();
    },
    cancel(reason) { cancelReason = reason; },
  });
  const [one, two] = rs.tee();
  assert(rs.locked);
  assertEquals(await readAll(one), ['a', 'b']);
  assertEquals(await readAll(two), ['a', 'b']);

  const source = new ReadableStream({ cancel(reason) { cancelReason = reason; } });
  const [left, right] = source.tee();
  const leftCancel = left.cancel('L');
  await microtasks();
  assertEquals(cancelReason, undefined, 'one branch is not enough');
  await right.cancel('R');
  await leftCancel;
  assertEquals(cancelReason, ['L', 'R']);
});

test('tee: an error reaches both branches', async () => {
  let controller;
  const rs = new ReadableStream({ start(c) { controller = c; } });
  const [one, two] = rs.tee();
  const error = new Error('source failed');
  controller.error(error);
  assert(await one.getReader().read().catch((e) => e) === error);
  assert(await two.getReader().read().catch((e) => e) === error);
});

// ----- Async iteration and ReadableStream.from -----

test('async iteration reads to the end and releases the lock', async () => {
  const rs = new ReadableStream({
    start(c) {
      for (const x of [1, 2, 3]) c.enqueue(x);
      c.close();
    },
  });
  const seen = [];
  for await (const chunk of rs) seen.push(chunk);
  assertEquals(seen, [1, 2, 3]);
  assert(!rs.locked);
  const iterator = rs.values();
  assertEquals(Object.getPrototypeOf(Object.getPrototypeOf(iterator)),
    Object.getPrototypeOf(Object.getPrototypeOf(Object.getPrototypeOf((async function* () {})()))));
  assertEquals((await iterator.next()).done, true);
});

test('async iteration: break cancels the stream unless preventCancel', async () => {
  let cancelled = 0;
  const make = () => new ReadableStream({
    pull(c) { c.enqueue('x'); },
    cancel() { cancelled++; },
  });
  for await (const chunk of make()) {
    assertEquals(chunk, 'x');
    break;
  }
  assertEquals(cancelled, 1);
  const kept = make();
  for await (const chunk of kept.values({ preventCancel: true })) {
    assertEquals(chunk, 'x');
    break;
  }
  assertEquals(cancelled, 1);
  assert(!kept.locked);
  const reader = kept.getReader();
  assertEquals((await reader.read()).value, 'x');
  assertThrows(() => kept.values(), TypeError, 'a locked stream cannot be iterated');
});

test('async iteration: an errored stream rejects next()', async () => {
  const error = new Error('broken');
  const rs = new ReadableStream({ start(c) { c.error(error); } });
  const iterator = rs[Symbol.asyncIterator]();
  assert(await iterator.next().catch((e) => e) === error);
  assertEquals(await iterator.next(), { value: undefined, done: true });
  assertEquals(await iterator.return('v'), { value: 'v', done: true });
});

test('ReadableStream.from: arrays, sync iterables of promises, async generators', async () => {
  assertEquals(await readAll(ReadableStream.from([1, 2, 3])), [1, 2, 3]);
  assertEquals(await readAll(ReadableStream.from([Promise.resolve('p'), 'q'])), ['p', 'q']);
  async function* generate() {
    yield 'g1';
    yield 'g2';
  }
  assertEquals(await readAll(ReadableStream.from(generate())), ['g1', 'g2']);
  assertEquals(await readAll(ReadableStream.from('hi')), ['h', 'i']);
  const nested = ReadableStream.from(ReadableStream.from(['inner']));
  assertEquals(await readAll(nested), ['inner']);
  assertThrows(() => ReadableStream.from(1), TypeError);
  assertThrows(() => ReadableStream.from({}), TypeError);
  assertThrows(() => ReadableStream.from(null), TypeError);
  assertThrows(() => ReadableStream.from({ [Symbol.asyncIterator]: 1 }), TypeError);
  const badResults = { [Symbol.iterator]() { return { next: () => 1 }; } };
  await assertRejects(() => ReadableStream.from(badResults).getReader().read(), TypeError);
});

test('ReadableStream.from: cancel calls the iterator\'s return', async () => {
  let returned;
  const iterable = {
    [Symbol.asyncIterator]() {
      return {
        next: () => Promise.resolve({ value: 'v', done: false }),
        return: (reason) => {
          returned = reason;
          return Promise.resolve({ done: true });
        },
      };
    },
  };
  const rs = ReadableStream.from(iterable);
  const reader = rs.getReader();
  assertEquals((await reader.read()).value, 'v');
  await reader.cancel('stop');
  assertEquals(returned, 'stop');
  const bad = ReadableStream.from({
    [Symbol.asyncIterator]() { return { next() {}, return() { return 1; } }; },
  });
  await assertRejects(() => bad.cancel(), TypeError);
});

// ----- WritableStream -----

test('WritableStream: writes reach the sink in order, then close', async () => {
  const log = [];
  const ws = new WritableStream({
    start() { log.push('start'); },
    write(chunk, controller) {
      assertEquals(Object.prototype.toString.call(controller),
        '[object WritableStreamDefaultController]');
      log.push(`write ${chunk}`);
    },
    close() { log.push('close'); },
  });
  const writer = ws.getWriter();
  assert(ws.locked);
  await writer.ready;
  writer.write('a');
  writer.write('b');
  await writer.close();
  assertEquals(log, ['start', 'write a', 'write b', 'close']);
  assertEquals(await writer.closed, undefined);
  await assertRejects(() => writer.write('late'), TypeError);
});

test('WritableStream: constructor checks', () => {
  assertThrows(() => new WritableStream(null), TypeError);
  assertThrows(() => new WritableStream({ type: 'bytes' }), RangeError);
  assertThrows(() => new WritableStream({ write: 1 }), TypeError);
  assertThrows(() => new WritableStream({}, { highWaterMark: -1 }), RangeError);
  assertThrows(() => new WritableStreamDefaultWriter({}), TypeError);
  assertThrows(() => new WritableStreamDefaultController(), TypeError);
});

test('WritableStream: backpressure through desiredSize and ready', async () => {
  const pending = [];
  const ws = new WritableStream({
    write() { return new Promise((resolve) => pending.push(resolve)); },
  }, new CountQueuingStrategy({ highWaterMark: 2 }));
  const writer = ws.getWriter();
  assertEquals(writer.desiredSize, 2);
  writer.write(1);
  writer.write(2);
  assertEquals(writer.desiredSize, 0);
  let ready = false;
  writer.ready.then(() => { ready = true; });
  await microtasks();
  assertEquals(ready, false, 'ready waits while the queue is full');
  pending.shift()();
  await microtasks();
  assertEquals(ready, true);
  assertEquals(writer.desiredSize, 1);
});

test('WritableStream: abort rejects queued writes and tells the sink', async () => {
  let abortReason;
  let finishWrite;
  const ws = new WritableStream({
    write() { return new Promise((resolve) => { finishWrite = resolve; }); },
    abort(reason) { abortReason = reason; },
  });
  const writer = ws.getWriter();
  const first = writer.write('in flight');
  const second = writer.write('queued');
  await microtasks();
  const aborted = writer.abort('enough');
  assert(await writer.ready.catch((e) => e) === 'enough', 'ready rejects at once');
  await microtasks();
  assertEquals(abortReason, undefined, 'the sink hears once the write in flight is done');
  finishWrite();
  assertEquals(await first, undefined);
  assert(await second.catch((e) => e) === 'enough');
  assertEquals(await aborted, undefined);
  assertEquals(abortReason, 'enough');
  assert(await writer.closed.catch((e) => e) === 'enough');
});

test('WritableStream: abort of an idle stream reaches the sink at once', async () => {
  let abortReason;
  const ws = new WritableStream({ abort(reason) { abortReason = reason; } });
  await ws.abort('now');
  assertEquals(abortReason, 'now');
  await assertRejects(() => ws.getWriter().write('x'), undefined);
  const locked = new WritableStream();
  locked.getWriter();
  await assertRejects(() => locked.abort(), TypeError);
  await assertRejects(() => locked.close(), TypeError);
});

test('WritableStream: a failing sink errors the stream', async () => {
  const error = new Error('sink failed');
  const ws = new WritableStream({ write() { throw error; } });
  const writer = ws.getWriter();
  assert(await writer.write('x').catch((e) => e) === error);
  assert(await writer.closed.catch((e) => e) === error);
  await assertRejects(() => writer.close(), TypeError);

  let controller;
  const erroring = new WritableStream({ start(c) { controller = c; } });
  const erroringWriter = erroring.getWriter();
  controller.error(error);
  assert(await erroringWriter.closed.catch((e) => e) === error);
  assertEquals(erroringWriter.desiredSize, null);
});

test('WritableStreamDefaultWriter: releaseLock rejects ready and closed', async () => {
  const ws = new WritableStream();
  const writer = ws.getWriter();
  assertThrows(() => ws.getWriter(), TypeError);
  writer.releaseLock();
  await assertRejects(() => writer.closed, TypeError);
  await assertRejects(() => writer.ready, TypeError);
  assertThrows(() => writer.desiredSize, TypeError);
  await assertRejects(() => writer.write('x'), TypeError);
  const again = ws.getWriter();
  await again.close();
});

// ----- TransformStream -----

test('TransformStream: identity by default, with its two sides', async () => {
  const ts = new TransformStream();
  assertEquals(Object.prototype.toString.call(ts.readable), '[object ReadableStream]');
  assertEquals(Object.prototype.toString.call(ts.writable), '[object WritableStream]');
  const writer = ts.writable.getWriter();
  writer.write('a');
  writer.write('b');
  writer.close();
  assertEquals(await readAll(ts.readable), ['a', 'b']);
});

test('TransformStream: transform, flush and the controller', async () => {
  const ts = new TransformStream({
    start(controller) {
      assertEquals(controller.desiredSize, 0);
    },
    transform(chunk, controller) {
      controller.enqueue(chunk.toUpperCase());
      controller.enqueue(chunk);
    },
    flush(controller) {
      controller.enqueue('end');
    },
  });
  const result = readAll(ts.readable);
  const writer = ts.writable.getWriter();
  await writer.write('x');
  await writer.close();
  assertEquals(await result, ['X', 'x', 'end']);
});

test('TransformStream: terminate closes the readable side, errors the writable side', async () => {
  const ts = new TransformStream({
    transform(chunk, controller) {
      controller.enqueue(chunk);
      controller.terminate();
    },
  });
  const writer = ts.writable.getWriter();
  const read = readAll(ts.readable);
  await writer.write('only');
  assertEquals(await read, ['only']);
  await assertRejects(() => writer.write('more'), TypeError);
});

test('TransformStream: errors reach both sides; cancel reaches the transformer', async () => {
  const error = new Error('transform failed');
  const ts = new TransformStream({ transform() { throw error; } });
  const writer = ts.writable.getWriter();
  const read = ts.readable.getReader().read(); // a read lifts the initial backpressure
  assert(await writer.write('x').catch((e) => e) === error);
  assert(await read.catch((e) => e) === error);

  let cancelReason;
  const cancellable = new TransformStream({ cancel(reason) { cancelReason = reason; } });
  await cancellable.readable.cancel('no more');
  assertEquals(cancelReason, 'no more');
  assert(await cancellable.writable.getWriter().closed.catch((e) => e) === 'no more');

  assertThrows(() => new TransformStream({ readableType: 'bytes' }), RangeError);
  assertThrows(() => new TransformStream({ writableType: 'bytes' }), RangeError);
  assertThrows(() => new TransformStream({ transform: 1 }), TypeError);
  assertThrows(() => new TransformStreamDefaultController(), TypeError);
});

// ----- pipeTo and pipeThrough -----

test('pipeTo: every chunk, then the destination closes', async () => {
  const written = [];
  let closed = false;
  const ws = new WritableStream({
    write(chunk) { written.push(chunk); },
    close() { closed = true; },
  });
  const rs = ReadableStream.from(['a', 'b', 'c']);
  const promise = rs.pipeTo(ws);
  assert(rs.locked && ws.locked);
  assertEquals(await promise, undefined);
  assertEquals(written, ['a', 'b', 'c']);
  assert(closed);
  assert(!rs.locked && !ws.locked);
});

test('pipeTo: preventClose leaves the destination open', async () => {
  const ws = new WritableStream();
  await ReadableStream.from(['x']).pipeTo(ws, { preventClose: true });
  const writer = ws.getWriter();
  await writer.write('still open');
  await writer.close();
});

test('pipeTo: errors abort the destination or cancel the source', async () => {
  const error = new Error('source broke');
  let abortReason;
  const source = new ReadableStream({ start(c) { c.error(error); } });
  const dest = new WritableStream({ abort(reason) { abortReason = reason; } });
  assert(await source.pipeTo(dest).catch((e) => e) === error);
  assert(abortReason === error);

  const sinkError = new Error('sink broke');
  let cancelReason;
  const source2 = new ReadableStream({
    pull(c) { c.enqueue('x'); },
    cancel(reason) { cancelReason = reason; },
  });
  const dest2 = new WritableStream({ write() { throw sinkError; } });
  assert(await source2.pipeTo(dest2).catch((e) => e) === sinkError);
  assert(cancelReason === sinkError);

  let kept = true;
  const source3 = new ReadableStream({ start(c) { c.error(error); } });
  const dest3 = new WritableStream({ abort() { kept = false; } });
  await source3.pipeTo(dest3, { preventAbort: true }).catch(() => {});
  assert(kept);
});

test('pipeTo: a closed destination cancels the source', async () => {
  let cancelReason;
  const source = new ReadableStream({ cancel(reason) { cancelReason = reason; } });
  const dest = new WritableStream();
  await dest.close();
  await assertRejects(() => source.pipeTo(dest), TypeError);
  assert(cancelReason instanceof TypeError);
});

test('pipeTo and pipeThrough: locked streams and bad arguments', async () => {
  const rs = new ReadableStream();
  await assertRejects(() => rs.pipeTo({}), TypeError);
  await assertRejects(() => ReadableStream.prototype.pipeTo.call({}, new WritableStream()),
    TypeError);
  const ws = new WritableStream();
  ws.getWriter();
  await assertRejects(() => rs.pipeTo(ws), TypeError);
  rs.getReader();
  await assertRejects(() => rs.pipeTo(new WritableStream()), TypeError);
  assertThrows(() => rs.pipeThrough(new TransformStream()), TypeError);
  const notAPair = { readable: {}, writable: new WritableStream() };
  assertThrows(() => new ReadableStream().pipeThrough(notAPair), TypeError);
  const locked = new TransformStream();
  locked.writable.getWriter();
  assertThrows(() => new ReadableStream().pipeThrough(locked), TypeError);
});

test('pipeThrough: returns the readable side, piping into the writable side', async () => {
  const upper = new TransformStream({
    transform(chunk, controller) { controller.enqueue(chunk.toUpperCase()); },
  });
  const out = ReadableStream.from(['a', 'b']).pipeThrough(upper);
  assert(out === upper.readable);
  assertEquals(await readAll(out), ['A', 'B']);
});

test('pipeTo: backpressure holds reads back while the destination is full', async () => {
  let pulls = 0;
  const source = new ReadableStream({
    pull(c) {
      pulls++;
      c.enqueue(pulls);
    },
  }, { highWaterMark: 0 });
  const dest = new WritableStream({ write() { return new Promise(() => {}); } },
    { highWaterMark: 1 });
  source.pipeTo(dest).catch(() => {});
  await microtasks(50);
  assert(pulls <= 3, `pulled ${pulls} chunks into a stuck destination`);
});

// ----- Byte streams -----

test('byte stream: a BYOB reader fills the caller\'s view', async () => {
  const rs = new ReadableStream({
    type: 'bytes',
    pull(controller) {
      const request = controller.byobRequest;
      assert(request !== null, 'a BYOB read makes a request');
      assertEquals(Object.prototype.toString.call(request), '[object ReadableStreamBYOBRequest]');
      const view = request.view;
      view[0] = 1;
      view[1] = 2;
      request.respond(2);
      controller.close();
    },
  });
  const reader = rs.getReader({ mode: 'byob' });
  assertEquals(Object.prototype.toString.call(reader), '[object ReadableStreamBYOBReader]');
  const buffer = new ArrayBuffer(8);
  const { value, done } = await reader.read(new Uint8Array(buffer));
  assertEquals(done, false);
  assertEquals(bytesOf(value), [1, 2]);
  assertEquals(value.buffer.byteLength, 8);
  assertEquals(buffer.byteLength, 0, 'the caller\'s buffer was transferred');
  const end = await reader.read(new Uint8Array(4));
  assertEquals(end.done, true);
  assertEquals(end.value.byteLength, 0);
});

test('byte stream: enqueued chunks are transferred and fill reads of either kind', async () => {
  let controller;
  const rs = new ReadableStream({ type: 'bytes', start(c) { controller = c; } });
  const chunk = new Uint8Array([10, 20, 30, 40, 50]);
  controller.enqueue(chunk);
  assertEquals(chunk.byteLength, 0, 'enqueue detaches the chunk');
  assertThrows(() => controller.enqueue(new Uint8Array(0)), TypeError);
  const reader = rs.getReader({ mode: 'byob' });
  const first = await reader.read(new Uint8Array(2));
  assertEquals(bytesOf(first.value), [10, 20]);
  const second = await reader.read(new Uint16Array(1));
  assertEquals(second.value.constructor, Uint16Array);
  assertEquals(bytesOf(second.value), [30, 40]);
  reader.releaseLock();
  const defaultReader = rs.getReader();
  assertEquals(bytesOf((await defaultReader.read()).value), [50]);
});

test('byte stream: read(view, { min }) waits for that many elements', async () => {
  let controller;
  const rs = new ReadableStream({ type: 'bytes', start(c) { controller = c; } });
  const reader = rs.getReader({ mode: 'byob' });
  const read = reader.read(new Uint8Array(4), { min: 3 });
  let settled = false;
  read.then(() => { settled = true; });
  controller.enqueue(new Uint8Array([1, 2]));
  await microtasks();
  assertEquals(settled, false);
  controller.enqueue(new Uint8Array([3]));
  assertEquals(bytesOf((await read).value), [1, 2, 3]);
  await assertRejects(() => reader.read(new Uint8Array(2), { min: 0 }), TypeError);
  await assertRejects(() => reader.read(new Uint8Array(2), { min: 3 }), RangeError);
  await assertRejects(() => reader.read(new Uint8Array(0)), TypeError);
  await assertRejects(() => reader.read({}), TypeError);
});

test('byte stream: autoAllocateChunkSize gives default readers a BYOB request', async () => {
  const rs = new ReadableStream({
    type: 'bytes',
    autoAllocateChunkSize: 16,
    pull(controller) {
      const view = controller.byobRequest.view;
      assertEquals(view.byteLength, 16);
      view[0] = 7;
      controller.byobRequest.respond(1);
    },
  });
  const { value } = await rs.getReader().read();
  assertEquals(bytesOf(value), [7]);
});

test('byte stream: tee copies chunks for the second branch', async () => {
  const rs = new ReadableStream({
    type: 'bytes',
    start(controller) {
      controller.enqueue(new Uint8Array([1, 2, 3]));
      controller.close();
    },
  });
  const [one, two] = rs.tee();
  const a = await readAll(one);
  const b = await readAll(two);
  assertEquals(a.map(bytesOf), [[1, 2, 3]]);
  assertEquals(b.map(bytesOf), [[1, 2, 3]]);
  assert(a[0].buffer !== b[0].buffer);
  const reader = new ReadableStream({ type: 'bytes' }).tee()[0].getReader({ mode: 'byob' });
  assertEquals(Object.prototype.toString.call(reader), '[object ReadableStreamBYOBReader]');
});

test('a BYOB reader needs a byte stream', () => {
  assertThrows(() => new ReadableStream().getReader({ mode: 'byob' }), TypeError);
  assertThrows(() => new ReadableStream().getReader({ mode: 'other' }), TypeError);
  assertThrows(() => new ReadableStreamBYOBReader(new ReadableStream()), TypeError);
});

// ----- Queuing strategies -----

test('queuing strategies: highWaterMark is required; size is one function per realm', () => {
  assertThrows(() => new CountQueuingStrategy(), TypeError);
  assertThrows(() => new CountQueuingStrategy({}), TypeError);
  assertThrows(() => new ByteLengthQueuingStrategy({}), TypeError);
  const count = new CountQueuingStrategy({ highWaterMark: '4' });
  assertEquals(count.highWaterMark, 4);
  assertEquals(count.size(), 1);
  assertEquals(count.size, new CountQueuingStrategy({ highWaterMark: 1 }).size);
  assertEquals(count.size.name, 'size');
  assertEquals(count.size.length, 0);
  const bytes = new ByteLengthQueuingStrategy({ highWaterMark: 5 });
  assertEquals(bytes.size(new Uint8Array(3)), 3);
  assertEquals(bytes.size.length, 1);
  assertThrows(() => new bytes.size(), TypeError);
  assertEquals(Object.prototype.toString.call(bytes), '[object ByteLengthQueuingStrategy]');
});

// ----- TextEncoderStream, TextDecoderStream -----

test('TextEncoderStream: a surrogate pair split across chunks is one code point', async () => {
  const stream = new TextEncoderStream();
  assertEquals(stream.encoding, 'utf-8');
  const writer = stream.writable.getWriter();
  const output = readAll(stream.readable);
  writer.write('a\ud83d');
  writer.write('\ude00b');
  writer.write('\ud800');
  writer.close();
  const chunks = await output;
  const bytes = chunks.flatMap((chunk) => Array.from(chunk));
  assertEquals(bytes, [0x61, 0xf0, 0x9f, 0x98, 0x80, 0x62, 0xef, 0xbf, 0xbd]);
  assert(chunks.every((chunk) => chunk instanceof Uint8Array));
});

test('TextDecoderStream: sequences split across chunks, BOM, fatal', async () => {
  const stream = new TextDecoderStream();
  assertEquals([stream.encoding, stream.fatal, stream.ignoreBOM], ['utf-8', false, false]);
  const writer = stream.writable.getWriter();
  const output = readAll(stream.readable);
  writer.write(new Uint8Array([0xef, 0xbb, 0xbf, 0x68, 0xc3]));
  writer.write(new Uint8Array([0xa9]).buffer);
  writer.write(new Uint8Array([0xe2, 0x82]));
  writer.close();
  assertEquals((await output).join(''), 'h\u00e9\ufffd');

  const fatal = new TextDecoderStream('utf8', { fatal: true });
  const fatalWriter = fatal.writable.getWriter();
  const fatalRead = fatal.readable.getReader().read();
  fatalWriter.write(new Uint8Array([0xff])).catch(() => {});
  await assertRejects(() => fatalRead, TypeError);

  assertThrows(() => new TextDecoderStream('latin2'), RangeError);
  const strings = new TextDecoderStream();
  const stringWriter = strings.writable.getWriter();
  const stringRead = strings.readable.getReader().read();
  await assertRejects(() => stringWriter.write('not bytes'), TypeError);
  await assertRejects(() => stringRead, TypeError);
});

test('TextEncoderStream and TextDecoderStream compose with pipeThrough', async () => {
  const text = ReadableStream.from(['h\u00e9', 'llo \ud83d', '\ude00'])
    .pipeThrough(new TextEncoderStream())
    .pipeThrough(new TextDecoderStream());
  assertEquals((await readAll(text)).join(''), 'h\u00e9llo \ud83d\ude00');
});

// ----- Robustness -----

test('streams keep working when user code patches the built-ins they use', async () => {
  const savedThen = Promise.prototype.then;
  const savedPush = Array.prototype.push;
  const savedIterator = Array.prototype[Symbol.iterator];
  let result;
  const hi = new Uint8Array([104, 105]);
  try {
    Array.prototype.push = () => { throw new Error('push patched'); };
    Array.prototype[Symbol.iterator] = function* () { throw new Error('iterator patched'); };
    const ts = new TransformStream();
    const writer = ts.writable.getWriter();
    writer.write(hi);
    writer.close();
    result = new Response(ts.readable).text();
  } finally {
    Array.prototype.push = savedPush;
    Array.prototype[Symbol.iterator] = savedIterator;
  }
  assertEquals(await result, 'hi');
  assertEquals(Promise.prototype.then, savedThen);
});

test('piping and tee do not resolve promises with objects a patched then could see', async () => {
  const intercepted = [];
  const interceptThen = () => {
    Object.prototype.then = function (resolve) {
      if (!this.done) intercepted.push(this.value);
      delete Object.prototype.then;
      resolve(this);
    };
  };
  const written = [];
  const sink = () => new WritableStream({ write(chunk) { written.push(chunk); } });
  const rs = new ReadableStream({
    start(c) {
      c.enqueue('a');
      c.close();
    },
  });
  interceptThen();
  try {
    await rs.pipeTo(sink());
  } finally {
    delete Object.prototype.then;
  }
  const [branch1, branch2] = new ReadableStream({
    start(c) {
      c.enqueue('b');
      c.close();
    },
  }).tee();
  interceptThen();
  try {
    await branch1.pipeTo(sink());
  } finally {
    delete Object.prototype.then;
  }
  await branch2.cancel();
  assertEquals(intercepted, []);
  assertEquals(written, ['a', 'b']);
});

test('tee and pipeTo do not call the global constructors', async () => {
  const saved = [globalThis.ReadableStream, globalThis.WritableStream, globalThis.Promise];
  const rs = ReadableStream.from(['x']);
  const ws = new WritableStream();
  let branches;
  try {
    globalThis.ReadableStream = () => { throw new Error('global ReadableStream called'); };
    globalThis.WritableStream = () => { throw new Error('global WritableStream called'); };
    branches = rs.tee();
  } finally {
    [globalThis.ReadableStream, globalThis.WritableStream, globalThis.Promise] = saved;
  }
  await branches[0].pipeTo(ws);
  await branches[1].cancel();
});

// ----- AbortSignal -----

test('pipeTo: an aborted signal aborts the destination and cancels the source', async () => {
  let abortReason, cancelReason;
  const source = new ReadableStream({ cancel(reason) { cancelReason = reason; } });
  const dest = new WritableStream({ abort(reason) { abortReason = reason; } });
  const controller = new AbortController();
  controller.abort();
  const error = await source.pipeTo(dest, { signal: controller.signal }).catch((e) => e);
  assert(error instanceof DOMException && error.name === 'AbortError', String(error));
  assert(abortReason === error && cancelReason === error);

  const later = new AbortController();
  const written = [];
  let pull = 0;
  const slow = new ReadableStream({
    pull(c) {
      if (++pull === 3) later.abort('stop');
      c.enqueue(pull);
    },
  });
  const sink = new WritableStream({ write(chunk) { written.push(chunk); } });
  assertEquals(await slow.pipeTo(sink, { signal: later.signal, preventCancel: true })
    .catch((e) => e), 'stop');
  assert(!slow.locked, 'the source is released');
  assert(written.length >= 2);
  await assertRejects(() => slow.pipeTo(new WritableStream(), { signal: {} }), TypeError);
});

test('WritableStreamDefaultController.signal aborts with the abort reason', async () => {
  let signal;
  const ws = new WritableStream({
    start(controller) { signal = controller.signal; },
    write() { return new Promise(() => {}); },
  });
  assert(signal instanceof AbortSignal);
  const writer = ws.getWriter();
  writer.write('x').catch(() => {});
  await microtasks();
  assertEquals(signal.aborted, false);
  writer.abort('reason').catch(() => {});
  assertEquals([signal.aborted, signal.reason], [true, 'reason']);
});
