// Code that must type-check against sdk/types/hearth.d.ts: the handler shapes as README.md
// shows them, and each global used the ordinary way. If a declaration is wrong or missing,
// this file stops compiling.

interface Env {
  GREETING?: string;
  API_TOKEN: string;
}

// The object form, checked with `satisfies` so that `env` and `ctx` get their types.
export default {
  async fetch(request, env, ctx) {
    const url = new URL(request.url);
    const name = url.searchParams.get('name') ?? env.GREETING ?? 'world';
    ctx.waitUntil(Promise.resolve(env.API_TOKEN.length));
    ctx.passThroughOnException();
    if (request.method === 'POST') {
      const body = await request.json<{ text?: string }>();
      return Response.json({ name, text: body.text ?? null }, { status: 201 });
    }
    return new Response(`Hello, ${name}!`, { headers: { 'content-type': 'text/plain' } });
  },
} satisfies ExportedHandler<Env>;

// The plain function form, and Hearth's shorthands for a response.
export const text: HandlerFunction = () => 'plain text';
export const json: HandlerFunction = async (request) => ({ method: request.method, list: [1, 2] });
export const bytes: HandlerFunction<Env> = (_request, env) => new TextEncoder().encode(env.API_TOKEN);
type Item = { id: number };
export const alias: HandlerFunction = (): Item => ({ id: 1 });

export async function everyGlobal(request: Request): Promise<Response> {
  const headers = new Headers(request.headers);
  headers.set('x-seen', 'yes');
  for (const [name, value] of headers) console.log(name, value);
  const query = new URLSearchParams({ a: '1' });
  query.append('b', '2');

  const decoder = new TextDecoder('utf-8', { fatal: true });
  const encoded = btoa(decoder.decode(new TextEncoder().encode('ascii')));
  console.assert(atob(encoded) === 'ascii', 'base64 round trip');

  const controller = new AbortController();
  const signal = AbortSignal.any([controller.signal, AbortSignal.timeout(1000)]);
  signal.addEventListener('abort', () => console.warn(signal.reason), { once: true });
  const target = new EventTarget();
  target.dispatchEvent(new Event('ping'));
  controller.abort(new DOMException('stop', 'AbortError'));

  const id = setInterval(() => {}, 10);
  clearInterval(id);
  clearTimeout(setTimeout((word: string) => console.log(word), 5, 'later'));
  queueMicrotask(() => console.debug(performance.now() - performance.timeOrigin));
  const copy = structuredClone({ when: new Date(), tags: new Set(['a']) });
  copy.tags.add('b');

  const random = crypto.getRandomValues(new Uint32Array(4));
  const key = await crypto.subtle.importKey(
    'raw', random, { name: 'HMAC', hash: { name: 'SHA-384' } }, false, ['sign']);
  const mac = await crypto.subtle.sign({ name: 'HMAC' }, key, new TextEncoder().encode('m'));
  const digest = await crypto.subtle.digest('SHA-512', mac);
  console.log(crypto.randomUUID(), key.algorithm.hash.name, digest.byteLength);

  const form = new FormData();
  form.append('file', new File(['a,b\n'], 'data.csv', { type: 'text/csv' }));
  form.set('note', 'hi');
  const blob = new Blob([await new Blob(['x']).arrayBuffer(), 'y']);

  const upper = new TransformStream<string, string>({
    transform(chunk, controller) {
      controller.enqueue(chunk.toUpperCase());
    },
  });
  const lines = blob.stream().pipeThrough(new TextDecoderStream()).pipeThrough(upper);
  for await (const line of lines) console.log(line);
  const sink = new WritableStream<Uint8Array>({ write: (chunk) => console.log(chunk.byteLength) });
  await ReadableStream.from(['a', 'b']).pipeThrough(new TextEncoderStream()).pipeTo(sink);

  if (url(request) === null) return Response.redirect('https://example.com/', 308);
  return new Response(new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(new Uint8Array([104, 105]));
      controller.close();
    },
  }), { status: 200, headers: [['content-type', 'text/plain']] });
}

function url(request: Request): URL | null {
  return URL.canParse(request.url) ? URL.parse(request.url) : null;
}
