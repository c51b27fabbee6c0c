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
# the first URL costs, at microsecond resolution); the mean of url-first's own Date.now
# figure over COUNT forced-cold invocations; url-loop's figures from 5 warm invocations.
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
for f in none first loop; do
  "${ctl[@]}" deploy "url-$f" "$work/$f.js" --snapshot never >/dev/null
done

run_p50() {  # run_p50 NAME: run p50 (µs) of forced-cold requests
  "${ctl[@]}" bench "$1" --cold -n "$count" --json "$work/$1.json" >/dev/null 2>&1
  python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["phases_us"]["run"]["p50"])' \
    "$work/$1.json"
}
none="$(run_p50 url-none)"
first="$(run_p50 url-first)"
for _ in $(seq "$count"); do
  "${ctl[@]}" invoke url-first --cold
  echo
done >"$work/first.out"
mean_ms="$(python3 -c 'import json,sys
ms = [json.loads(line)["ms"] for line in open(sys.argv[1]) if line.strip()]
print(f"{sum(ms) / len(ms):.2f} ms (n={len(ms)}, max {max(ms)} ms)")' "$work/first.out")"
printf 'cold run p50: url-none %.0f us, url-first %.0f us: first URL %.0f us\n' \
  "$none" "$first" "$(python3 -c "print($first - $none)")"
echo "first new URL, Date.now inside the function, mean over cold invocations: $mean_ms"
for _ in 1 2 3 4 5; do
  "${ctl[@]}" invoke url-loop
  echo
done
