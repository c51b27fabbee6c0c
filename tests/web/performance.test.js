// performance (W3C High Resolution Time Level 3): now(), timeOrigin and toJSON, coarsened to
// 100 microseconds as browsers coarsen them without cross-origin isolation.

const kResolution = 0.1;  // milliseconds
const isCoarsened = (ms) => Math.abs(ms * 10 - Math.round(ms * 10)) < 1e-6;

test('performance.now() is a non-decreasing, coarsened count of milliseconds', () => {
  let last = performance.now();
  assertEquals(typeof last, 'number');
  assert(last >= 0, `${last}`);
  for (let i = 0; i < 10000; i++) {
    const now = performance.now();
    assert(now >= last, `${now} after ${last}`);
    assert(isCoarsened(now), `${now} is not a multiple of ${kResolution} ms`);
    last = now;
  }
});

test('performance.now() advances with time', () => {
  const start = performance.now();
  const deadline = Date.now() + 5;
  while (Date.now() < deadline) { /* spin */ }
  assert(performance.now() - start >= 3, `${performance.now() - start} ms`);
});

test('timeOrigin is the Unix time, in ms, at which this isolate started', () => {
  const origin = performance.timeOrigin;
  assertEquals(performance.timeOrigin, origin, 'constant');
  assert(isCoarsened(origin), `${origin}`);
  // timeOrigin + now() is the current time, within Date.now()'s millisecond and the
  // coarsening.
  const sum = origin + performance.now();
  const wall = Date.now();
  assert(Math.abs(sum - wall) < 5, `timeOrigin + now() = ${sum}, Date.now() = ${wall}`);
  // The isolate started serving this function less than a minute ago.
  assert(wall - origin < 60000, `origin ${origin} is ${wall - origin} ms old`);
});

test('toJSON gives timeOrigin', () => {
  assertEquals(performance.toJSON(), { timeOrigin: performance.timeOrigin });
  assertEquals(JSON.parse(JSON.stringify(performance)).timeOrigin, performance.timeOrigin);
});

test('Performance is an EventTarget that cannot be constructed', () => {
  assert(performance instanceof Performance);
  assert(performance instanceof EventTarget);
  assertThrows(() => new Performance(), TypeError);
  assertThrows(() => Performance.prototype.now.call({}), TypeError);
  assertEquals(Object.prototype.toString.call(performance), '[object Performance]');
  assertEquals(Object.getOwnPropertyDescriptor(Performance.prototype, 'now').enumerable, true);
  assertEquals(Object.keys(globalThis).includes('performance'), false);
});

test('Event.timeStamp is on the same clock', () => {
  const before = performance.now();
  const { timeStamp } = new Event('x');
  assert(timeStamp >= before && timeStamp <= performance.now());
  assert(isCoarsened(timeStamp));
});
