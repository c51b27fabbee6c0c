// A function with a heavy top level: ~5 MB of object graph built at load (a routing table
// and a word index) with ~170 ms of CPU on the 2-core dev VM (PRODUCT.md section 9), the
// kind of start-up work a snapshot pays once, at deploy.
// Used by the cold-start benchmarks (docs/BENCHMARKS.md).
const nodes = [];
for (let i = 0; i < 40000; i++) {
  nodes.push({ id: i, name: `node-${i}`, edges: [(i * 7) % 40000, (i * 13) % 40000], rank: i % 97 });
}
const index = new Map();
for (const node of nodes) {
  const key = node.name.slice(0, 7);
  let bucket = index.get(key);
  if (bucket === undefined) index.set(key, (bucket = []));
  bucket.push(node.id);
}
// Ranking passes: the CPU-heavy part (no state beyond the ranks).
for (let pass = 0; pass < 150; pass++) {
  for (const node of nodes) node.rank = (node.rank + nodes[node.edges[0]].rank + nodes[node.edges[1]].rank) % 1009;
}

export default {
  fetch(request) {
    const id = Number(request.url.split('id=')[1] ?? 1) % nodes.length;
    const node = nodes[id];
    return Response.json({ id, rank: node.rank, bucket: index.get(node.name.slice(0, 7)).length });
  },
};
