// A response body stream whose start() enqueues without bound before anything reads: the
// queue grows until the memory limit.
export default () =>
  new Response(
    new ReadableStream({
      start(controller) {
        for (;;) controller.enqueue(new Uint8Array(1 << 20));
      },
    }),
  );
