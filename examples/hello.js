// The smallest useful function: answers every request with a greeting.
// Deploy:  hearthctl deploy hello examples/hello.js
// Invoke:  hearthctl invoke hello --path '/?name=Ada'
export default {
  async fetch(request, env) {
    const query = request.url.includes('?') ? request.url.slice(request.url.indexOf('?') + 1) : '';
    const match = /(?:^|&)name=([^&]*)/.exec(query);
    const name = match ? decodeURIComponent(match[1]) : (env.GREETING_NAME ?? 'world');
    return new Response(`Hello, ${name}!\n`, {
      headers: { 'content-type': 'text/plain; charset=utf-8' },
    });
  },
};
