// One 2 MB header value: refused before it is copied out of the isolate.
export default () => new Response("big header", { headers: { "x-big": "v".repeat(2 << 20) } });
