// Event, EventTarget and CustomEvent (DOM Standard, sections 2.2 to 2.10), with cases after
// WPT's dom/events tests (Event-constructors, Event-dispatch-*, EventTarget-*,
// AddEventListenerOptions-*, Event-stopImmediatePropagation, Event-cancelBubble, ...).

test('Event constructor: type and EventInit defaults', () => {
  const e = new Event('x');
  assertEquals(e.type, 'x');
  assertEquals([e.bubbles, e.cancelable, e.composed, e.defaultPrevented], [false, false, false,
    false]);
  assertEquals(e.isTrusted, false);
  assertEquals(e.target, null);
  assertEquals(e.currentTarget, null);
  assertEquals(e.srcElement, null);
  assertEquals(e.eventPhase, Event.NONE);
  assertEquals(e.returnValue, true);
  assertEquals(e.cancelBubble, false);
  assertEquals(e.composedPath(), []);
  const init = new Event('y', { bubbles: 1, cancelable: 'yes', composed: {} });
  assertEquals([init.bubbles, init.cancelable, init.composed], [true, true, true]);
  assertEquals(new Event(undefined).type, 'undefined');
  assertEquals(new Event(null).type, 'null');
  assertEquals(new Event('z', null).bubbles, false);
});

test('Event constructor: argument errors', () => {
  assertThrows(() => new Event(), TypeError);
  assertThrows(() => Event('x'), TypeError);
  assertThrows(() => new Event(Symbol('s')), TypeError);
  assertThrows(() => new Event('x', 5), TypeError);
});

test('Event reads EventInit members once, in WebIDL order', () => {
  const seen = [];
  const init = {};
  for (const name of ['composed', 'cancelable', 'bubbles']) {
    Object.defineProperty(init, name, { get() { seen.push(name); return true; } });
  }
  new Event('x', init);
  assertEquals(seen, ['bubbles', 'cancelable', 'composed']);
});

test('Event phase constants on the interface and its prototype', () => {
  for (const [name, value] of [['NONE', 0], ['CAPTURING_PHASE', 1], ['AT_TARGET', 2],
    ['BUBBLING_PHASE', 3]]) {
    assertEquals(Event[name], value, name);
    assertEquals(Event.prototype[name], value, name);
    const descriptor = Object.getOwnPropertyDescriptor(Event, name);
    assertEquals([descriptor.writable, descriptor.enumerable, descriptor.configurable],
      [false, true, false], name);
  }
});

test('isTrusted is an own unforgeable accessor, false for script-made events', () => {
  const e = new Event('x');
  const descriptor = Object.getOwnPropertyDescriptor(e, 'isTrusted');
  assertEquals(typeof descriptor.get, 'function');
  assertEquals(descriptor.configurable, false);
  assertEquals(descriptor.get, Object.getOwnPropertyDescriptor(new Event('y'), 'isTrusted').get);
  assertThrows(() => Object.defineProperty(e, 'isTrusted', { value: true }), TypeError);
  const target = new EventTarget();
  let trusted;
  target.addEventListener('x', (event) => { trusted = event.isTrusted; });
  target.dispatchEvent(e);
  assertEquals(trusted, false);
});

test('timeStamp is a DOMHighResTimeStamp relative to the time origin', () => {
  const before = performance.now();
  const e = new Event('x');
  const after = performance.now();
  assert(e.timeStamp >= before && e.timeStamp <= after, `${before} <= ${e.timeStamp} <= ${after}`);
});

test('Event getters and methods check their receiver', () => {
  const getter = Object.getOwnPropertyDescriptor(Event.prototype, 'type').get;
  assertThrows(() => getter.call({}), TypeError);
  assertThrows(() => Event.prototype.preventDefault.call({}), TypeError);
  assertEquals(Object.prototype.toString.call(new Event('x')), '[object Event]');
  assertEquals(Object.prototype.toString.call(new EventTarget()), '[object EventTarget]');
});

test('dispatchEvent calls listeners in order, with target and currentTarget', () => {
  const target = new EventTarget();
  const calls = [];
  const event = new Event('ping');
  target.addEventListener('ping', function (e) {
    calls.push(['first', this === target, e === event, e.target === target,
      e.currentTarget === target, e.eventPhase]);
  });
  target.addEventListener('ping', (e) => calls.push(['second', e.composedPath()[0] === target,
    e.composedPath().length]));
  target.addEventListener('other', () => calls.push(['wrong type']));
  assertEquals(target.dispatchEvent(event), true);
  assertEquals(calls, [['first', true, true, true, true, Event.AT_TARGET], ['second', true, 1]]);
  assertEquals(event.eventPhase, Event.NONE);
  assertEquals(event.currentTarget, null);
  assertEquals(event.target, target);
  assertEquals(event.composedPath(), []);
});

test('capture listeners run before the others at the target', () => {
  const target = new EventTarget();
  const order = [];
  target.addEventListener('x', () => order.push('bubble 1'));
  target.addEventListener('x', () => order.push('capture 1'), true);
  target.addEventListener('x', () => order.push('bubble 2'), { capture: false });
  target.addEventListener('x', () => order.push('capture 2'), { capture: true });
  target.dispatchEvent(new Event('x'));
  assertEquals(order, ['capture 1', 'capture 2', 'bubble 1', 'bubble 2']);
});

test('the same callback is added once per capture flag', () => {
  const target = new EventTarget();
  let count = 0;
  const listener = () => count++;
  target.addEventListener('x', listener);
  target.addEventListener('x', listener);
  target.addEventListener('x', listener, { once: true });
  target.addEventListener('x', listener, true);
  target.dispatchEvent(new Event('x'));
  assertEquals(count, 2);
  target.removeEventListener('x', listener, { capture: true });
  target.dispatchEvent(new Event('x'));
  assertEquals(count, 3);
  target.removeEventListener('x', listener);
  target.dispatchEvent(new Event('x'));
  assertEquals(count, 3);
});

test('removeEventListener during dispatch stops a later listener', () => {
  const target = new EventTarget();
  const calls = [];
  const second = () => calls.push('second');
  target.addEventListener('x', () => {
    calls.push('first');
    target.removeEventListener('x', second);
  });
  target.addEventListener('x', second);
  target.dispatchEvent(new Event('x'));
  assertEquals(calls, ['first']);
});

test('listeners added during dispatch are not called in that dispatch', () => {
  const target = new EventTarget();
  const calls = [];
  target.addEventListener('x', () => {
    calls.push('first');
    target.addEventListener('x', () => calls.push('added'));
  });
  target.dispatchEvent(new Event('x'));
  assertEquals(calls, ['first']);
  target.dispatchEvent(new Event('x'));
  assertEquals(calls, ['first', 'first', 'added']);
});

test('a bubbling listener added by a capture listener runs in the same dispatch', () => {
  // Each phase invokes a clone of the list as it is when the phase starts.
  const target = new EventTarget();
  const calls = [];
  target.addEventListener('x', () => {
    calls.push('capture');
    target.addEventListener('x', () => calls.push('bubble'));
  }, true);
  target.dispatchEvent(new Event('x'));
  assertEquals(calls, ['capture', 'bubble']);
});

test('once listeners are removed before they run', () => {
  const target = new EventTarget();
  let count = 0;
  target.addEventListener('x', () => {
    count++;
    target.dispatchEvent(new Event('x'));  // re-entrant: the once listener is gone already
  }, { once: true });
  target.dispatchEvent(new Event('x'));
  target.dispatchEvent(new Event('x'));
  assertEquals(count, 1);
});

test('passive listeners cannot cancel', () => {
  const target = new EventTarget();
  let prevented;
  target.addEventListener('x', (e) => { e.preventDefault(); prevented = e.defaultPrevented; },
    { passive: true });
  const event = new Event('x', { cancelable: true });
  assertEquals(target.dispatchEvent(event), true);
  assertEquals(prevented, false);
  target.addEventListener('x', (e) => e.preventDefault());
  assertEquals(target.dispatchEvent(new Event('x', { cancelable: true })), false);
});

test('preventDefault only cancels cancelable events', () => {
  const target = new EventTarget();
  target.addEventListener('x', (e) => e.preventDefault());
  const notCancelable = new Event('x');
  assertEquals(target.dispatchEvent(notCancelable), true);
  assertEquals(notCancelable.defaultPrevented, false);
  const cancelable = new Event('x', { cancelable: true });
  assertEquals(target.dispatchEvent(cancelable), false);
  assertEquals(cancelable.defaultPrevented, true);
  assertEquals(cancelable.returnValue, false);
});

test('returnValue = false cancels; returnValue = true does not undo it', () => {
  const e = new Event('x', { cancelable: true });
  e.returnValue = true;
  assertEquals(e.defaultPrevented, false);
  e.returnValue = false;
  assertEquals(e.defaultPrevented, true);
  e.returnValue = true;
  assertEquals(e.defaultPrevented, true);
});

test('stopImmediatePropagation stops the remaining listeners', () => {
  const target = new EventTarget();
  const calls = [];
  target.addEventListener('x', (e) => { calls.push(1); e.stopImmediatePropagation(); });
  target.addEventListener('x', () => calls.push(2));
  target.dispatchEvent(new Event('x'));
  assertEquals(calls, [1]);
});

test('stopPropagation in a capture listener skips the target\'s bubbling listeners', () => {
  const target = new EventTarget();
  const calls = [];
  target.addEventListener('x', (e) => { calls.push('capture'); e.stopPropagation(); }, true);
  target.addEventListener('x', () => calls.push('bubble'));
  target.dispatchEvent(new Event('x'));
  // DOM: each phase is one "invoke", which returns at once once propagation is stopped.
  assertEquals(calls, ['capture']);
});

test('cancelBubble: true stops propagation; false does not clear it', () => {
  const e = new Event('x');
  e.cancelBubble = false;
  assertEquals(e.cancelBubble, false);
  e.cancelBubble = true;
  assertEquals(e.cancelBubble, true);
  e.cancelBubble = false;
  assertEquals(e.cancelBubble, true);
  // A dispatch clears the flag afterwards.
  const target = new EventTarget();
  let called = false;
  target.addEventListener('x', () => { called = true; });
  target.dispatchEvent(e);
  assertEquals(called, false);
  assertEquals(e.cancelBubble, false);
});

test('a listener that throws does not stop the others, and dispatch returns', () => {
  const target = new EventTarget();
  const calls = [];
  target.addEventListener('x', () => { calls.push(1); throw new Error('listener failed'); });
  target.addEventListener('x', { handleEvent() { calls.push(2); } });
  target.addEventListener('x', { handleEvent: 'not callable' });
  target.addEventListener('x', () => calls.push(4));
  assertEquals(target.dispatchEvent(new Event('x')), true);
  assertEquals(calls, [1, 2, 4]);
});

test('listener objects: handleEvent is looked up at each dispatch, this is the object', () => {
  const target = new EventTarget();
  const calls = [];
  const listener = {
    handleEvent(e) { calls.push(['first', this === listener, e.type]); },
  };
  target.addEventListener('x', listener);
  target.dispatchEvent(new Event('x'));
  listener.handleEvent = function () { calls.push(['second', this === listener]); };
  target.dispatchEvent(new Event('x'));
  assertEquals(calls, [['first', true, 'x'], ['second', true]]);
});

test('a function listener is called even if it has a handleEvent', () => {
  const target = new EventTarget();
  const calls = [];
  const fn = () => calls.push('function');
  fn.handleEvent = () => calls.push('handleEvent');
  target.addEventListener('x', fn);
  target.dispatchEvent(new Event('x'));
  assertEquals(calls, ['function']);
});

test('addEventListener argument conversions', () => {
  const target = new EventTarget();
  assertThrows(() => target.addEventListener('x'), TypeError);
  assertThrows(() => target.addEventListener(), TypeError);
  assertThrows(() => target.addEventListener('x', 5), TypeError);
  assertThrows(() => target.addEventListener('x', 'string'), TypeError);
  target.addEventListener('x', null);
  target.addEventListener('x', undefined);
  target.removeEventListener('x', null);
  assertThrows(() => target.removeEventListener('x'), TypeError);
  assertThrows(() => target.addEventListener('x', () => {}, { signal: {} }), TypeError);
  assertThrows(() => target.addEventListener('x', () => {}, { signal: null }), TypeError);
  assertThrows(() => EventTarget.prototype.addEventListener.call({}, 'x', () => {}),
    TypeError);
  let type;
  target.addEventListener(1, (e) => { type = e.type; });
  target.dispatchEvent(new Event('1'));
  assertEquals(type, '1');
});

test('options are read in WebIDL order: capture, once, passive, signal', () => {
  const target = new EventTarget();
  const seen = [];
  const options = {};
  for (const name of ['signal', 'passive', 'once', 'capture']) {
    Object.defineProperty(options, name, {
      get() { seen.push(name); return undefined; },
    });
  }
  target.addEventListener('x', () => {}, options);
  assertEquals(seen, ['capture', 'once', 'passive', 'signal']);
});

test('dispatchEvent refuses non-events and events being dispatched', () => {
  const target = new EventTarget();
  assertThrows(() => target.dispatchEvent({ type: 'x' }), TypeError);
  assertThrows(() => target.dispatchEvent(), TypeError);
  let inner;
  target.addEventListener('x', (e) => {
    inner = assertThrows(() => target.dispatchEvent(e), 'InvalidStateError');
  });
  target.dispatchEvent(new Event('x'));
  assert(inner !== undefined);
});

test('an event can be dispatched again once its dispatch is over', () => {
  const target = new EventTarget();
  let count = 0;
  target.addEventListener('x', () => count++);
  const e = new Event('x');
  target.dispatchEvent(e);
  target.dispatchEvent(e);
  assertEquals(count, 2);
});

test('initEvent reinitialises an event, except while it is dispatched', () => {
  const e = new Event('x');
  e.preventDefault();
  e.initEvent('y', true, true);
  assertEquals([e.type, e.bubbles, e.cancelable, e.defaultPrevented], ['y', true, true, false]);
  const target = new EventTarget();
  target.addEventListener('y', (event) => {
    event.initEvent('z', false, false);
    assertEquals(event.type, 'y');
  });
  target.dispatchEvent(e);
  assertThrows(() => e.initEvent(), TypeError);
});

test('the signal option removes the listener on abort', () => {
  const target = new EventTarget();
  const controller = new AbortController();
  let count = 0;
  target.addEventListener('x', () => count++, { signal: controller.signal });
  target.dispatchEvent(new Event('x'));
  controller.abort();
  target.dispatchEvent(new Event('x'));
  assertEquals(count, 1);
  // An aborted signal adds nothing.
  target.addEventListener('x', () => count++, { signal: controller.signal });
  target.dispatchEvent(new Event('x'));
  assertEquals(count, 1);
});

test('subclasses of Event and EventTarget', () => {
  class PingEvent extends Event {
    constructor(n) {
      super('ping', { cancelable: true });
      this.n = n;
    }
  }
  class Emitter extends EventTarget {}
  const emitter = new Emitter();
  let got;
  emitter.addEventListener('ping', (e) => { got = e.n; e.preventDefault(); });
  assertEquals(emitter.dispatchEvent(new PingEvent(7)), false);
  assertEquals(got, 7);
  assert(new PingEvent(1) instanceof Event);
  assertEquals(new PingEvent(1).isTrusted, false);
});

test('EventTarget survives tampering with its own prototype', () => {
  const target = new EventTarget();
  let count = 0;
  target.addEventListener('x', () => count++);
  const saved = Array.prototype.push;
  Array.prototype.push = () => { throw new Error('tampered'); };
  try {
    target.addEventListener('x', () => count++);
    target.dispatchEvent(new Event('x'));
  } finally {
    Array.prototype.push = saved;
  }
  assertEquals(count, 2);
});

test('CustomEvent carries detail', () => {
  const e = new CustomEvent('x', { detail: { a: 1 }, bubbles: true });
  assertEquals(e.detail, { a: 1 });
  assertEquals(e.bubbles, true);
  assertEquals(new CustomEvent('x').detail, null);
  assert(e instanceof Event);
  assertEquals(Object.prototype.toString.call(e), '[object CustomEvent]');
  e.initCustomEvent('y', false, false, 5);
  assertEquals([e.type, e.detail], ['y', 5]);
  assertThrows(() => new CustomEvent(), TypeError);
  const target = new EventTarget();
  let detail;
  target.addEventListener('x', (event) => { detail = event.detail; });
  target.dispatchEvent(new CustomEvent('x', { detail: 'payload' }));
  assertEquals(detail, 'payload');
});

test('interfaces have WebIDL shapes', () => {
  assertEquals(Event.length, 1);
  assertEquals(EventTarget.prototype.addEventListener.length, 2);
  assertEquals(EventTarget.prototype.dispatchEvent.length, 1);
  assertEquals(CustomEvent.length, 1);
  assertEquals(Object.getPrototypeOf(CustomEvent), Event);
  assertEquals(Object.getOwnPropertyDescriptor(Event.prototype, 'type').enumerable, true);
  assertEquals(Object.keys(globalThis).includes('Event'), false);
});
