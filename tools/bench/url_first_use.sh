#!/usr/bin/env bash
# What URL costs a function: the first `new URL` in an isolate, which loads the url runtime
# module (compiles and runs the bundled whatwg-url), against the ones after it.
#   tools/bench/url_first_use.sh [count] [build dir]
# Starts its own agent (defaults) and deploys, with --snapshot never:
#   url-none   returns a string (the baseline)
#   url-first  one `new URL`, timed with Date.now; answers the milliseconds
#   url-loop   warms URL up, then times 20,000 `new URL` (and as many URLSearchParams)
#              with Date.now; answers microseconds per call
# and prints: run p50 of `hearthctl bench --cold -n COUNT` for url-none and url-first (each
# request a fresh isolate, so url-first's run holds the module load; the difference is what
# the first URL costs, at microsecond resolution); over COUNT more forced-cold invocations
# of each, the medians of the agent's report (worker CPU time, which load on the machine
# does not inflate, and the isolate's used heap) and url-first's own Date.now figure;
# url-loop's figures from 5 warm invocations (the first include V8 optimising the code).
set -euo pipefail
count="${1:-200}"
bin="${2:-build/release}/bin"
work="$(mktemp -d)"
trap 'rm -rf "$work"; kill "$agent_PID" 2>/dev/null || true' EXIT

coproc agent { exec "$bin/hearth-agent" --grpc-listen 127.0.0.1:0 --metrics-listen 127.0.0.1:0 2>/dev/null; }
read -r ready <&"${agent[0]}"
target="$(sed -E 's/.*grpc=([^ ]+).*/\1/' <<<"$ready")"
ctl=("$bin/hearthctl" --agent "$target")

cat >"$work/none.js" <<'EOF'
export default () => 'https://example.com/a/b?c=d#e';
EOF
cat >"$work/first.js" <<'EOF'
export default () => {
  const start = Date.now();
  const url = new URL('https://example.com/a/b?c=d#e');
  return { ms: Date.now() - start, href: url.href };
};
EOF
cat >"$work/loop.js" <<'EOF'
const kCalls = 20000;
function time(fn) {
  const start = Date.now();
  for (let i = 0; i < kCalls; i++) fn(i);
  return (Date.now() - start) * 1000 / kCalls;
}
export default () => {
  new URL('https://warm.example/');
  let sink = 0;
  const result = {
    newURL: time((i) => { sink += new URL(`https://example.com/a/${i}?c=d#e`).href.length; }),
    newURLRelative: time((i) => { sink += new URL(`../x${i}`, 'https://example.com/a/b').href.length; }),
    newURLIdna: time((i) => { sink += new URL(`https://b\u00fccher${i}.example/`).host.length; }),
    canParse: time((i) => { sink += URL.canParse(`https://example.com/${i}`) ? 1 : 0; }),
    searchParams: time((i) => { sink += new URLSearchParams(`a=${i}&b=2&c=3`).get('a').length; }),
  };
  return { usPerCall: result, sink };
};
EOF
for f in none first; do
  "${ctl[@]}" deploy "url-$f" "$work/$f.js" --snapshot never >/dev/null
done
"${ctl[@]}" deploy url-loop "$work/loop.js" --snapshot never --cpu-ms 10000 --timeout-ms 30000 >/dev/null

run_p50() {  # run_p50 NAME: run p50 (µs) of forced-cold requests
  "${ctl[@]}" bench "$1" --cold -n "$count" --json "$work/$1.json" >/dev/null 2>&1
  python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["phases_us"]["run"]["p50"])' \
    "$work/$1.json"
}
none="$(run_p50 url-none)"
first="$(run_p50 url-first)"
printf 'cold run p50: url-none %.0f us, url-first %.0f us: first URL %.0f us\n' \
  "$none" "$first" "$(python3 -c "print($first - $none)")"
# The agent's execution report of each forced-cold invocation: CPU time of the worker
# thread (which load on the machine does not inflate) and the isolate's used heap.
for name in url-none url-first; do
  for _ in $(seq "$count"); do
    "${ctl[@]}" --output json invoke "$name" --cold
    echo
  done >"$work/$name.reports"
done
python3 - "$work/url-none.reports" "$work/url-first.reports" <<'PY'
import json, statistics, sys
def load(path):
    return [json.loads(line) for line in open(path) if line.strip()]
none, first = load(sys.argv[1]), load(sys.argv[2])
med = lambda rows, f: statistics.median(f(r) for r in rows)
cpu = lambda r: r["report"]["cpu_us"]
heap = lambda r: r["report"]["heap_bytes"]
print(f"forced-cold, median of {len(first)}: cpu url-none {med(none, cpu):.0f} us, "
      f"url-first {med(first, cpu):.0f} us; heap url-none {med(none, heap) / 1024:.0f} KiB, "
      f"url-first {med(first, heap) / 1024:.0f} KiB")
ms = [json.loads(r["body"])["ms"] for r in first]
print(f"first new URL, Date.now inside the function: median {statistics.median(ms)} ms, "
      f"mean {statistics.mean(ms):.2f} ms, max {max(ms)} ms")
PY
for _ in 1 2 3 4 5; do
  "${ctl[@]}" invoke url-loop
  echo
done
