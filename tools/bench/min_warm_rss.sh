#!/usr/bin/env bash
# min_warm honored, and what it costs: starts an agent, deploys examples/hello.js with
# --min-warm N, reads hearth_isolates{state="warm"} and the agent's RSS before and after.
#   tools/bench/min_warm_rss.sh [N] [build dir]
set -euo pipefail
count="${1:-200}"
bin="${2:-build/release}/bin"
coproc agent { exec "$bin/hearth-agent" --grpc-listen 127.0.0.1:0 --metrics-listen 127.0.0.1:0 \
  --reserve-per-worker 0 2>/dev/null; }
trap 'kill "$agent_PID" 2>/dev/null || true' EXIT
read -r ready <&"${agent[0]}"
target="$(sed -E 's/.*grpc=([^ ]+).*/\1/' <<<"$ready")"
metrics="$(sed -E 's/.*metrics=([^ ]+).*/\1/' <<<"$ready")"
ctl=("$bin/hearthctl" --agent "$target")
rss_kib() { awk '/^VmRSS/ {print $2}' "/proc/$agent_PID/status"; }

# One function first, so that V8's per-process set-up is not counted per isolate.
"${ctl[@]}" deploy warmup examples/hello.js >/dev/null
"${ctl[@]}" invoke warmup >/dev/null
before=$(rss_kib)
"${ctl[@]}" deploy many examples/hello.js --min-warm "$count" >/dev/null
after=$(rss_kib)
warm=$(curl -s "http://$metrics/metrics" |
  awk '/^hearth_isolates\{function="many",state="warm"/ {sum += $2} END {print sum}')
awk -v b="$before" -v a="$after" -v n="$count" -v w="$warm" 'BEGIN {
  printf "min_warm %d: %d warm isolates in hearth_isolates; RSS before %.1f MiB, after %.1f MiB: %.0f KiB per warm isolate\n",
    n, w, b / 1024, a / 1024, (a - b) / w }'
