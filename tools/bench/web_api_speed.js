// A function that times Web API calls inside its isolate and answers the figures, in ms
// per call (median of 15 runs, Date.now around 20 calls each), for docs/BENCHMARKS.md:
//   hearthctl deploy speed tools/bench/web_api_speed.js --cpu-ms 30000 --timeout-ms 60000
//   hearthctl invoke speed
// What the runtime lacks is left out, so that older builds can run it too.
const binary = Array.from({ length: 100000 }, (_, i) => String.fromCharCode(i % 256)).join('');

function time(fn) {
  const samples = [];
  for (let run = 0; run < 15; run++) {
    const start = Date.now();
    for (let i = 0; i < 20; i++) fn();
    samples.push((Date.now() - start) / 20);
  }
  return samples.sort((a, b) => a - b)[7];
}

export default async () => {
  const figures = {};
  const encoded = btoa(binary);
  figures['btoa, 100,000 characters'] = time(() => btoa(binary));
  figures['atob, 133,336 characters'] = time(() => atob(encoded));
  if (typeof structuredClone === 'function') {
    const graph = Array.from({ length: 1000 }, (_, i) => ({ id: i, name: `item ${i}`,
      tags: ['a', 'b'], when: new Date(i) }));
    figures['structuredClone, 1,000 small objects'] = time(() => structuredClone(graph));
  }
  if (typeof crypto === 'object') {
    const bytes = new Uint8Array(65536);
    figures['crypto.getRandomValues, 64 KiB'] = time(() => crypto.getRandomValues(bytes));
    figures['crypto.randomUUID'] = time(() => crypto.randomUUID());
    const megabyte = new Uint8Array(1 << 20);
    const start = Date.now();
    for (let i = 0; i < 20; i++) await crypto.subtle.digest('SHA-256', megabyte);
    figures['crypto.subtle.digest SHA-256, 1 MiB'] = (Date.now() - start) / 20;
  }
  return figures;
};
