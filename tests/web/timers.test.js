// setTimeout/setInterval/clearTimeout/clearInterval (HTML "Timers") and queueMicrotask
// (HTML "Microtask queuing"), inside an invocation on the worker's loop.

const wait = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

test('timers fire by due time, then in the order they were set', async () => {
  const order = [];
  setTimeout(() => order.push('b20'), 20);
  setTimeout(() => order.push('a0'), 0);
  setTimeout(() => order.push('c0'));
  setTimeout(() => order.push('d5'), 5);
  await wait(40);
  assertEquals(order, ['a0', 'c0', 'd5', 'b20']);
});

test('arguments reach the callback and this is the global object', async () => {
  let seen;
  setTimeout(function (a, b) { seen = [this === globalThis, a, b]; }, 0, 'x', 2);
  await wait(5);
  assertEquals(seen, [true, 'x', 2]);
});

test('ids are distinct positive integers and clear* accept either kind', async () => {
  const a = setTimeout(() => {}, 1000);
  const b = setInterval(() => {}, 1000);
  assert(Number.isInteger(a) && a > 0 && Number.isInteger(b) && b > a, `${a} ${b}`);
  let fired = 0;
  const t = setTimeout(() => fired++, 0);
  const i = setInterval(() => fired++, 0);
  clearInterval(t);
  clearTimeout(i);
  clearTimeout(a);
  clearTimeout(b);
  clearTimeout(123456789);  // unknown ids are ignored
  clearTimeout();
  clearTimeout('not an id');
  await wait(10);
  assertEquals(fired, 0);
});

test('a timer cleared by an earlier callback of the same turn does not run', async () => {
  const order = [];
  let second;
  setTimeout(() => { order.push('first'); clearTimeout(second); }, 0);
  second = setTimeout(() => order.push('second'), 0);
  await wait(5);
  assertEquals(order, ['first']);
});

test('setInterval repeats until cleared, also from its own callback', async () => {
  let count = 0;
  await new Promise((resolve) => {
    const id = setInterval(() => {
      if (++count === 5) {
        clearInterval(id);
        resolve();
      }
    }, 1);
  });
  await wait(10);
  assertEquals(count, 5);
});

test('microtasks run after each timer callback, before the next one', async () => {
  const order = [];
  setTimeout(() => {
    order.push('t1');
    queueMicrotask(() => order.push('m1'));
    Promise.resolve().then(() => order.push('p1'));
  }, 0);
  setTimeout(() => order.push('t2'), 0);
  await wait(5);
  assertEquals(order, ['t1', 'm1', 'p1', 't2']);
});

test('queueMicrotask runs before any timer and in order', async () => {
  const order = [];
  setTimeout(() => order.push('timer'), 0);
  queueMicrotask(() => order.push('m1'));
  queueMicrotask(() => order.push('m2'));
  order.push('sync');
  await wait(5);
  assertEquals(order, ['sync', 'm1', 'm2', 'timer']);
});

test('an exception in a callback is reported and the others still run', async () => {
  const order = [];
  setTimeout(() => { throw new Error('boom in a timer'); }, 0);
  setTimeout(() => order.push('after'), 0);
  queueMicrotask(() => { throw new Error('boom in a microtask'); });
  queueMicrotask(() => order.push('micro after'));
  await wait(5);
  assertEquals(order, ['micro after', 'after']);
});

test('the timeout is converted as a WebIDL long', async () => {
  const order = [];
  setTimeout(() => order.push('string 2'), '2');
  setTimeout(() => order.push('negative'), -50);
  setTimeout(() => order.push('NaN'), NaN);
  setTimeout(() => order.push('wraps to 0'), 2 ** 32);
  await wait(10);
  assertEquals(order, ['negative', 'NaN', 'wraps to 0', 'string 2']);
  assertThrows(() => setTimeout(() => {}, Symbol('x')), TypeError);
  assertThrows(() => setTimeout(() => {}, 1n), TypeError);
});

test('callbacks must be functions: strings are not compiled as code', () => {
  assertThrows(() => setTimeout('globalThis.x = 1', 0), TypeError);
  assertThrows(() => setInterval(undefined, 0), TypeError);
  assertThrows(() => queueMicrotask('x'), TypeError);
  assertThrows(() => queueMicrotask(), TypeError);
});

test('the globals have the WebIDL names and lengths', () => {
  assertEquals([setTimeout.name, setTimeout.length], ['setTimeout', 1]);
  assertEquals([setInterval.name, setInterval.length], ['setInterval', 1]);
  assertEquals([clearTimeout.name, clearTimeout.length], ['clearTimeout', 0]);
  assertEquals([clearInterval.name, clearInterval.length], ['clearInterval', 0]);
  assertEquals([queueMicrotask.name, queueMicrotask.length], ['queueMicrotask', 1]);
});

test('a timer is not due before its delay', async () => {
  const start = Date.now();
  await wait(30);
  assert(Date.now() - start >= 29, `fired after ${Date.now() - start} ms`);
});
