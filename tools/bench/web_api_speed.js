// A function that times Web API calls inside its isolate and answers the figures, in
// microseconds per call, for docs/BENCHMARKS.md:
//   hearthctl deploy speed tools/bench/web_api_speed.js --cpu-ms 30000 --timeout-ms 60000
//   hearthctl invoke speed --cold     # "first" figures are then a new isolate's first calls
// Each steady figure is the median of 9 rounds of as many calls as fit in 20 ms (Date.now,
// which every build has). What the runtime lacks is left out, so that older builds run it.
const binary = Array.from({ length: 100000 }, (_, i) => String.fromCharCode(i % 256)).join('');

function once(fn) {
  const start = Date.now();
  fn();
  return (Date.now() - start) * 1000;
}

function steady(fn) {
  const rounds = [];
  for (let round = 0; round < 9; round++) {
    const start = Date.now();
    let calls = 0;
    while (Date.now() - start < 20) {
      fn();
      calls++;
    }
    rounds.push(((Date.now() - start) * 1000) / calls);
  }
  return Math.round(rounds.sort((a, b) => a - b)[4] * 10) / 10;
}

export default async () => {
  const figures = {};
  const short = btoa('hello world!');  // 16 characters, no padding
  figures['btoa, 100,000 characters, first call'] = once(() => btoa(binary));
  const text = btoa(binary);
  figures['atob, 133,336 characters, first call'] = once(() => atob(text));
  figures['btoa, 100,000 characters'] = steady(() => btoa(binary));
  figures['atob, 133,336 characters'] = steady(() => atob(text));
  figures['btoa, 12 characters'] = steady(() => btoa('hello world!'));
  figures['atob, 16 characters'] = steady(() => atob(short));
  if (typeof structuredClone === 'function') {
    const graph = Array.from({ length: 1000 }, (_, i) => ({ id: i, name: `item ${i}`,
      tags: ['a', 'b'], when: new Date(i) }));
    figures['structuredClone, 1,000 small objects'] = steady(() => structuredClone(graph));
    figures['structuredClone, { a: 1 }'] = steady(() => structuredClone({ a: 1 }));
  }
  if (typeof crypto === 'object') {
    const bytes = new Uint8Array(65536);
    figures['crypto.getRandomValues, 16 bytes'] = steady(() =>
      crypto.getRandomValues(new Uint8Array(16)));
    figures['crypto.getRandomValues, 64 KiB'] = steady(() => crypto.getRandomValues(bytes));
    figures['crypto.randomUUID'] = steady(() => crypto.randomUUID());
    const megabyte = new Uint8Array(1 << 20);
    const start = Date.now();
    for (let i = 0; i < 20; i++) await crypto.subtle.digest('SHA-256', megabyte);
    figures['crypto.subtle.digest SHA-256, 1 MiB'] = ((Date.now() - start) * 1000) / 20;
  }
  if (typeof EventTarget === 'function') {
    const target = new EventTarget();
    target.addEventListener('x', () => {});
    figures['new Event + dispatchEvent, one listener'] = steady(() =>
      target.dispatchEvent(new Event('x')));
  }
  if (typeof performance === 'object') {
    figures['performance.now'] = steady(() => performance.now());
  }
  return figures;
};
