// AbortController and AbortSignal (DOM Standard, section 3.1), after WPT's dom/abort tests
// (event.any.js, abort-signal-any.any.js, AbortSignal.any.js). AbortSignal.timeout's cases
// are in abort_timeout.test.js (it needs the timers module).

test('a new controller has a signal that is not aborted', () => {
  const controller = new AbortController();
  const signal = controller.signal;
  assert(signal instanceof AbortSignal);
  assert(signal instanceof EventTarget);
  assertEquals(controller.signal, signal, '[SameObject]');
  assertEquals(signal.aborted, false);
  assertEquals(signal.reason, undefined);
  assertEquals(signal.onabort, null);
  signal.throwIfAborted();
});

test('abort() fires one trusted abort event and sets an AbortError reason', () => {
  const controller = new AbortController();
  const signal = controller.signal;
  const events = [];
  signal.addEventListener('abort', (e) => {
    events.push([e.type, e.isTrusted, e.target === signal, e.cancelable, e.bubbles,
      signal.aborted]);
  });
  controller.abort();
  controller.abort();  // a second abort does nothing
  assertEquals(events, [['abort', true, true, false, false, true]]);
  assertEquals(signal.aborted, true);
  assert(signal.reason instanceof DOMException, 'reason is a DOMException');
  assertEquals(signal.reason.name, 'AbortError');
  assertEquals(signal.reason.code, 20);
  const thrown = assertThrows(() => signal.throwIfAborted(), 'AbortError');
  assertEquals(thrown, signal.reason);
});

test('abort(reason) keeps any reason, undefined meaning the default', () => {
  for (const reason of ['why', 0, null, false, new Error('e'), { custom: true }]) {
    const controller = new AbortController();
    controller.abort(reason);
    assertEquals(controller.signal.reason, reason);
    let thrown;
    try {
      controller.signal.throwIfAborted();
    } catch (error) {
      thrown = error;
    }
    assertEquals(thrown, reason);
  }
  const controller = new AbortController();
  controller.abort(undefined);
  assertEquals(controller.signal.reason.name, 'AbortError');
});

test('the reason is set before the event fires, and a later abort keeps the first', () => {
  const controller = new AbortController();
  let seen;
  controller.signal.onabort = () => { seen = controller.signal.reason; };
  controller.abort('first');
  controller.abort('second');
  assertEquals(seen, 'first');
  assertEquals(controller.signal.reason, 'first');
});

test('onabort is an event handler attribute', () => {
  const controller = new AbortController();
  const signal = controller.signal;
  const calls = [];
  const handler = function (e) { calls.push(['handler', this === signal, e.type]); };
  signal.onabort = handler;
  assertEquals(signal.onabort, handler);
  signal.addEventListener('abort', () => calls.push(['listener']));
  signal.onabort = 5;  // not an object: null
  assertEquals(signal.onabort, null);
  signal.onabort = handler;  // added again, now after the listener
  controller.abort();
  assertEquals(calls, [['listener'], ['handler', true, 'abort']]);
});

test('a handler keeps its place when it is replaced by another', () => {
  const controller = new AbortController();
  const calls = [];
  controller.signal.onabort = () => calls.push('old');
  controller.signal.addEventListener('abort', () => calls.push('listener'));
  controller.signal.onabort = () => calls.push('new');
  controller.abort();
  assertEquals(calls, ['new', 'listener']);
});

test('a throwing abort listener does not stop the others', () => {
  const controller = new AbortController();
  const calls = [];
  controller.signal.addEventListener('abort', () => { throw new Error('abort listener'); });
  controller.signal.onabort = () => { calls.push('handler'); throw new Error('handler'); };
  controller.signal.addEventListener('abort', () => calls.push('last'));
  controller.abort();
  assertEquals(calls, ['handler', 'last']);
});

test('AbortSignal.abort() makes an aborted signal, without an event', () => {
  const signal = AbortSignal.abort();
  assertEquals(signal.aborted, true);
  assertEquals(signal.reason.name, 'AbortError');
  assertEquals(AbortSignal.abort('r').reason, 'r');
  assert(AbortSignal.abort() !== AbortSignal.abort(), '[NewObject]');
});

test('AbortSignal cannot be constructed; methods check their receiver', () => {
  assertThrows(() => new AbortSignal(), TypeError);
  assertThrows(() => AbortSignal(), TypeError);
  assertThrows(() => AbortController(), TypeError);
  const aborted = Object.getOwnPropertyDescriptor(AbortSignal.prototype, 'aborted').get;
  assertThrows(() => aborted.call({}), TypeError);
  assertThrows(() => aborted.call(new EventTarget()), TypeError);
  assertThrows(() => AbortController.prototype.abort.call({}), TypeError);
  assertThrows(() => AbortSignal.prototype.throwIfAborted.call({}), TypeError);
  const onabort = Object.getOwnPropertyDescriptor(AbortSignal.prototype, 'onabort');
  assertThrows(() => onabort.get.call({}), TypeError);
  assertEquals(onabort.enumerable, true);
});

test('interfaces have WebIDL shapes', () => {
  assertEquals(Object.prototype.toString.call(new AbortController()), '[object AbortController]');
  assertEquals(Object.prototype.toString.call(AbortSignal.abort()), '[object AbortSignal]');
  assertEquals(Object.getPrototypeOf(AbortSignal), EventTarget);
  assertEquals(AbortController.prototype.abort.length, 0);
  assertEquals(AbortSignal.abort.length, 0);
  assertEquals(AbortSignal.timeout.length, 1);
  assertEquals(AbortSignal.any.length, 1);
  for (const name of ['aborted', 'reason', 'throwIfAborted', 'onabort']) {
    assert(Object.getOwnPropertyDescriptor(AbortSignal.prototype, name).enumerable, name);
  }
});

test('AbortSignal.timeout refuses what [EnforceRange] unsigned long long refuses', () => {
  // These throw before any timer is set: no timers module needed.
  for (const bad of [-1, NaN, Infinity, -Infinity, 2 ** 53, 'x']) {
    assertThrows(() => AbortSignal.timeout(bad), TypeError, String(bad));
  }
  assertThrows(() => AbortSignal.timeout(), TypeError);
  assertThrows(() => AbortSignal.timeout(1n), TypeError);
});

test('AbortSignal.any follows its sources', () => {
  const first = new AbortController();
  const second = new AbortController();
  const any = AbortSignal.any([first.signal, second.signal]);
  assertEquals(any.aborted, false);
  const calls = [];
  any.addEventListener('abort', (e) => calls.push([e.isTrusted, any.reason]));
  second.abort('second');
  assertEquals(any.aborted, true);
  assertEquals(any.reason, 'second');
  first.abort('first');
  assertEquals(calls, [[true, 'second']]);
});

test('AbortSignal.any of an aborted signal is aborted at once, with its reason', () => {
  const controller = new AbortController();
  controller.abort('early');
  const any = AbortSignal.any([new AbortController().signal, controller.signal]);
  assertEquals(any.aborted, true);
  assertEquals(any.reason, 'early');
  assertEquals(AbortSignal.any([]).aborted, false);
});

test('AbortSignal.any of dependent signals follows their sources', () => {
  const controller = new AbortController();
  const inner = AbortSignal.any([controller.signal]);
  const outer = AbortSignal.any([inner]);
  const order = [];
  controller.signal.addEventListener('abort', () => order.push('source'));
  inner.addEventListener('abort', () => order.push('inner'));
  outer.addEventListener('abort', () => order.push('outer'));
  controller.abort('r');
  assertEquals([inner.reason, outer.reason], ['r', 'r']);
  assertEquals(order, ['source', 'inner', 'outer']);
});

test('dependent signals are all aborted before any of their events fire', () => {
  const controller = new AbortController();
  const a = AbortSignal.any([controller.signal]);
  const b = AbortSignal.any([controller.signal]);
  let seen;
  a.addEventListener('abort', () => { seen = b.aborted; });
  controller.abort();
  assertEquals(seen, true);
});

test('AbortSignal.any checks its argument', () => {
  assertThrows(() => AbortSignal.any(), TypeError);
  assertThrows(() => AbortSignal.any(5), TypeError);
  assertThrows(() => AbortSignal.any([{}]), TypeError);
  assertThrows(() => AbortSignal.any([new EventTarget()]), TypeError);
  const controller = new AbortController();
  const fromSet = AbortSignal.any(new Set([controller.signal]));
  controller.abort();
  assertEquals(fromSet.aborted, true);
});

test('abort listeners may add listeners to other signals', () => {
  const first = new AbortController();
  const second = new AbortController();
  let count = 0;
  first.signal.addEventListener('abort', () => {
    second.signal.addEventListener('abort', () => count++);
    second.abort();
  });
  first.abort();
  assertEquals(count, 1);
});
