// @ts-check
// Answer first, finish later: a POST starts a job and is answered 202 at once; the job
// goes on after the response, kept alive by ctx.waitUntil, and its steps wait on timers.
//   hearthctl deploy background examples/background.js --max-isolates 1
//   hearthctl invoke background -X POST --path /jobs   # {"id":"1","state":"running"}
//   hearthctl invoke background --path /jobs/1          # {"id":"1","state":"done",...}
// Background work runs within the invocation's limits (CPU and wall clock, counted from
// the request), and its timers are cancelled when the invocation ends.

/** @typedef {{ id: string, state: 'running' | 'done', steps: string[] }} Job */

// Jobs live in this isolate's memory, which is enough to watch one finish: the next request
// that reaches this isolate sees it (--max-isolates 1 makes that every request). A real
// function would write its results to a store that outlives isolates.
/** @type {Map<string, Job>} */
const jobs = new Map();
let lastId = 0;

/** A promise that resolves after `ms` milliseconds: setTimeout, made awaitable. */
const sleep = (/** @type {number} */ ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** The slow part: three steps, each waiting on a timer (a stand-in for real I/O). */
async function run(/** @type {Job} */ job) {
  for (const step of ['fetched', 'resized', 'stored']) {
    await sleep(20);
    job.steps.push(step);
  }
  job.state = 'done';
}

/** @type {ExportedHandler} */
export default {
  async fetch(request, env, ctx) {
    const url = new URL(request.url);
    if (request.method === 'POST' && url.pathname === '/jobs') {
      /** @type {Job} */
      const job = { id: String(++lastId), state: 'running', steps: [] };
      jobs.set(job.id, job);
      // Not awaited: the response goes out now, and the invocation stays open until run()
      // settles. Without waitUntil the work could be cut off once the response is sent.
      ctx.waitUntil(run(job));
      return Response.json(job, { status: 202, headers: { location: `/jobs/${job.id}` } });
    }
    const match = /^\/jobs\/([^/]+)$/.exec(url.pathname);
    if (request.method === 'GET' && match !== null) {
      const job = jobs.get(match[1]);
      return job ? Response.json(job) : Response.json({ error: 'no such job' }, { status: 404 });
    }
    return Response.json({ error: 'POST /jobs or GET /jobs/:id' }, { status: 404 });
  },
};
