#!/usr/bin/env bash
# A healthy function's latency alone, then while hostile functions from tests/hostile/ are
# invoked back to back from another client (one at a time), on the same agent.
#   tools/bench/under_attack.sh [requests] [workers] [build dir]
set -euo pipefail
count="${1:-2000}"
workers="${2:-2}"
bin="${3:-build/release}/bin"
coproc agent { exec "$bin/hearth-agent" --grpc-listen 127.0.0.1:0 --metrics-listen 127.0.0.1:0 \
  --workers "$workers" 2>/dev/null; }
attacker=""
trap 'kill "$agent_PID" $attacker 2>/dev/null || true' EXIT
read -r ready <&"${agent[0]}"
target="$(sed -E 's/.*grpc=([^ ]+).*/\1/' <<<"$ready")"
ctl=("$bin/hearthctl" --agent "$target")
"${ctl[@]}" deploy healthy examples/hello.js >/dev/null
"${ctl[@]}" deploy spin tests/hostile/cpu_loop.js --cpu-ms 50 >/dev/null
"${ctl[@]}" deploy hog tests/hostile/alloc_object_growth.js --memory-mb 32 --cpu-ms 2000 >/dev/null
"${ctl[@]}" deploy fr tests/hostile/wedge_finalization_registry.js --cpu-ms 50 >/dev/null
p() { "${ctl[@]}" bench healthy -n "$count" -c 1 --output json |
  python3 -c 'import json,sys; r=json.load(sys.stdin); l=r["latency_us"]; print("p50 %.0f us  p99 %.0f us  errors %d" % (l["p50"], l["p99"], r["errors"]))'; }
echo "alone:        $(p)"
( while true; do for f in spin hog fr; do "${ctl[@]}" invoke "$f" >/dev/null 2>&1 || true; done; done ) &
attacker=$!
echo "under attack: $(p)"
kill "$attacker"
