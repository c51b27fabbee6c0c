// A response body stream that produces empty chunks forever: the read loop never waits and
// never grows. The CPU limit ends it.
export default () =>
  new Response(
    new ReadableStream({
      pull(controller) {
        controller.enqueue(new Uint8Array(0));
      },
    }),
  );
