// A response body stream that produces a megabyte per pull, without end: the runtime reads
// it up to the response-size cap and stops there.
export default () =>
  new Response(
    new ReadableStream({
      pull(controller) {
        controller.enqueue(new Uint8Array(1 << 20).fill(120));
      },
    }),
  );
