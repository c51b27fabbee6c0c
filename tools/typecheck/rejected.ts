// Mistakes that sdk/types/hearth.d.ts must turn into type errors: each line marked
// `// error TSnnnn` must fail with that error, and no other line may fail
// (typecheck.mjs compares the two). The codes are those of the TypeScript pinned in
// package.json; a new version may number some differently. A marker on a handler's `fetch` line is where TypeScript
// reports a handler whose answer has the wrong type.

interface Env {
  API_TOKEN: string;
  LIMIT?: string;
}

export default {
  async fetch(request, env, ctx) { // error TS2322: a number is not a response
    ctx.waitUntil(); // error TS2554: waitUntil needs the promise to wait for
    ctx.waitUntil(42); // error TS2345: ...and a promise, not a number
    const limit: number = env.LIMIT; // error TS2322: deploy-time variables are strings
    console.log(env.API_TOKN, limit); // error TS2551: env names are checked
    console.log(request.headers.get('x-id').length); // error TS2531: a header may be absent
    return 42;
  },
} satisfies ExportedHandler<Env>;

// A function handler that forgets to return.
export const silent: HandlerFunction = (request) => { // error TS2322
  console.log(request.url);
};

// The object form needs fetch, spelled right.
export const misspelled = { fecth: () => new Response('') } satisfies ExportedHandler; // error TS2561

// What Hearth does not have is not declared: no outbound fetch yet, no cache, no sockets,
// no Node, no DOM.
export async function missing() {
  await fetch('https://example.com/'); // error TS2304
  await caches.open('v1'); // error TS2304
  new WebSocket('wss://example.com/'); // error TS2304
  console.log(process.env.HOME); // error TS2591
  require('node:fs'); // error TS2591
  console.log(document.title); // error TS2584
}

// Members follow what Hearth implements.
export async function wrongUse(bytes: Uint8Array, key: CryptoKey) {
  setTimeout('console.log(1)', 10); // error TS2345: strings are never compiled as code
  await crypto.subtle.digest('MD5', bytes); // error TS2345: SHA-1/256/384/512 only
  await crypto.subtle.encrypt({ name: 'AES-GCM' }, key, bytes); // error TS2339: HMAC only
  await crypto.subtle.sign('RSASSA-PKCS1-v1_5', key, bytes); // error TS2345
  new Response('moved', { status: '301' }); // error TS2322: a status is a number
  Response.redirect('/elsewhere', 200); // error TS2345: not a redirect status
  new Request('https://example.com/', { cache: 'no-store' }); // error TS2353: not implemented
}
