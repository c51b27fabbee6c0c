#!/usr/bin/env bash
# Cold starts of functions loaded into generic isolates, with and without code caches.
#   tools/bench/code_cache_cold_start.sh [count] [build dir] [rounds]
# For each round, starts an agent with --code-cache true and one with false (alternated,
# so both see the same machine), deploys examples/hello.js and a generated ~170 KB module
# (1,200 functions, all called by the handler: the parse-and-compile-heavy case), both with
# --snapshot never, and runs `hearthctl bench --cold --interval-ms 10` on each.
set -euo pipefail
count="${1:-100}"
bin="${2:-build/release}/bin"
rounds="${3:-2}"
work="$(mktemp -d)"
agent_PID=""
trap 'rm -rf "$work"; [[ -n "$agent_PID" ]] && kill "$agent_PID" 2>/dev/null || true' EXIT

python3 - "$work/medium.js" <<'PY'
import sys
lines = [f"function f{i}(s, n) {{ const h = (s.length * {i} + n * 31 + s.charCodeAt(n % s.length)) | 0; "
         f"if (h % {i + 7} === 0) {{ return h + {i}; }} else {{ return h - n; }} }}"
         for i in range(1200)]
calls = " ^ ".join(f"f{i}(u, {i % 13})" for i in range(1200))
lines.append("export default { fetch(request) { const u = request.url; const v = " + calls +
             "; return new Response(String(v)); } };")
open(sys.argv[1], "w").write("\n".join(lines) + "\n")
PY

run() {  # run CODE_CACHE NAME FILE
  local cache="$1" name="$2" file="$3"
  coproc agent { exec "$bin/hearth-agent" --grpc-listen 127.0.0.1:0 --metrics-listen 127.0.0.1:0 \
    --code-cache "$cache" 2>/dev/null; }
  local ready
  read -r ready <&"${agent[0]}"
  local target
  target="$(sed -E 's/.*grpc=([^ ]+).*/\1/' <<<"$ready")"
  "$bin/hearthctl" --agent "$target" deploy "$name" "$file" --snapshot never >/dev/null
  "$bin/hearthctl" --agent "$target" bench "$name" --cold -n "$count" --interval-ms 10 \
    --json "$work/out.json" >/dev/null 2>&1
  kill "$agent_PID"
  wait "$agent_PID" 2>/dev/null || true
  agent_PID=""
  python3 - "$work/out.json" "$name" "$cache" <<'PY'
import json, sys
bench = json.load(open(sys.argv[1]))
lat, ph = bench["latency_us"], bench["phases_us"]
print(f"{sys.argv[2]:8} code-cache={sys.argv[3]:5}  errors {bench['errors']}  "
      f"latency p50 {lat['p50'] / 1000:6.2f} p90 {lat['p90'] / 1000:6.2f} ms  "
      f"boot p50 {ph['boot']['p50'] / 1000:6.2f} ms  run p50 {ph['run']['p50'] / 1000:6.2f} ms")
PY
}

for _ in $(seq "$rounds"); do
  for cache in true false; do
    run "$cache" medium "$work/medium.js"
    run "$cache" hello examples/hello.js
  done
done
