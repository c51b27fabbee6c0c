// @ts-check
// A streamed response: the body is a ReadableStream that makes one line of NDJSON (a JSON
// value per line) each time the reader wants more, with a timer between lines standing in
// for work that produces results one by one.
//   hearthctl deploy stream examples/stream.js
//   hearthctl invoke stream --path '/?count=3'
// The caller gets the whole body: hearthctl's invoke returns it in one piece once the stream
// closes (a function that streams to an HTTP client would reach it line by line).

const encoder = new TextEncoder();
const sleep = (/** @type {number} */ ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** @type {ExportedHandler} */
export default {
  fetch(request) {
    // ?count=N lines, 0 to 100 (5 when absent or not a whole number).
    const asked = Number(new URL(request.url).searchParams.get('count') ?? 5);
    const count = Number.isInteger(asked) ? Math.min(Math.max(asked, 0), 100) : 5;
    let sent = 0;
    const body = new ReadableStream({
      // pull() is called whenever the stream wants another chunk, so lines are made only as
      // fast as they are read. Chunks must be bytes (Uint8Array), not strings.
      async pull(controller) {
        if (sent === count) {
          controller.close();
          return;
        }
        await sleep(10);
        sent += 1;
        controller.enqueue(encoder.encode(`${JSON.stringify({ line: sent, of: count })}\n`));
      },
    });
    return new Response(body, { headers: { 'content-type': 'application/x-ndjson' } });
  },
};
