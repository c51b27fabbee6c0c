// A response body stream that never closes: one chunk, then nothing. The runtime waits
// for the rest; the wall-clock limit ends it.
export default () =>
  new Response(
    new ReadableStream({
      start(controller) {
        controller.enqueue(new Uint8Array([104, 105]));
      },
    }),
  );
