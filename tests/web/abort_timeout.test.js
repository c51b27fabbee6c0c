// AbortSignal.timeout (DOM Standard, section 3.1), after WPT's dom/abort/AbortSignal.any.js
// and abort-signal-timeout.html.

const abortEvent = (signal) => new Promise((resolve) => {
  signal.addEventListener('abort', resolve, { once: true });
});

test('AbortSignal.timeout aborts with a TimeoutError after the delay', async () => {
  const started = performance.now();
  const signal = AbortSignal.timeout(20);
  assertEquals(signal.aborted, false);
  const event = await abortEvent(signal);
  assert(performance.now() - started >= 19, 'waited for the delay');
  assertEquals(event.isTrusted, true);
  assertEquals(signal.aborted, true);
  assert(signal.reason instanceof DOMException);
  assertEquals(signal.reason.name, 'TimeoutError');
  assertEquals(signal.reason.code, 23);
  assertThrows(() => signal.throwIfAborted(), 'TimeoutError');
});

test('AbortSignal.timeout(0) aborts in a later task, not at once', async () => {
  const signal = AbortSignal.timeout(0);
  assertEquals(signal.aborted, false);
  await Promise.resolve();
  assertEquals(signal.aborted, false, 'not in a microtask either');
  await abortEvent(signal);
  assertEquals(signal.reason.name, 'TimeoutError');
});

test('AbortSignal.timeout converts its argument as [EnforceRange] unsigned long long', async () => {
  const signal = AbortSignal.timeout('1');
  await abortEvent(signal);
  assertEquals(signal.reason.name, 'TimeoutError');
});

test('AbortSignal.any follows a timeout signal', async () => {
  const controller = new AbortController();
  const any = AbortSignal.any([controller.signal, AbortSignal.timeout(5)]);
  await abortEvent(any);
  assertEquals(any.reason.name, 'TimeoutError');
  assertEquals(controller.signal.aborted, false);
});
