// Answers at once, then spins forever in background work it asked to be waited for: the
// caller has its answer, and the CPU limit ends the background work.
export default (request, env, ctx) => {
  ctx.waitUntil(new Promise(() => setTimeout(() => { for (;;) {} }, 1)));
  return new Response('answered');
};
