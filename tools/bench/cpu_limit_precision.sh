#!/usr/bin/env bash
# How far past its CPU budget a busy loop runs before the watchdog stops it.
#   tools/bench/cpu_limit_precision.sh [runs] [cpu_ms] [build dir]
# Starts its own agent on an ephemeral port; prints the report's cpu_us distribution.
set -euo pipefail
runs="${1:-30}"
cpu_ms="${2:-50}"
bin="${3:-build/release}/bin"
source_file="$(mktemp --suffix=.js)"
trap 'rm -f "$source_file"; kill "$agent_PID" 2>/dev/null || true' EXIT
echo 'export default () => { for (;;) {} };' >"$source_file"

coproc agent { exec "$bin/hearth-agent" --grpc-listen 127.0.0.1:0 --metrics-listen 127.0.0.1:0 2>/dev/null; }
read -r ready <&"${agent[0]}"
target="$(sed -E 's/.*grpc=([^ ]+).*/\1/' <<<"$ready")"
ctl=("$bin/hearthctl" --agent "$target")
"${ctl[@]}" deploy spin "$source_file" --cpu-ms "$cpu_ms" >/dev/null
for _ in $(seq "$runs"); do
  "${ctl[@]}" invoke spin --output json 2>/dev/null || true
done | python3 -c "
import sys, json
rows = [json.loads(line) for line in sys.stdin]
cpu = sorted(r['report']['cpu_us'] for r in rows)
outcomes = sorted(set(r['outcome'] for r in rows))
over = [c - $cpu_ms * 1000 for c in cpu]
print('outcomes %s; cpu_us n=%d min=%d p50=%d max=%d; over budget: p50 %d us, max %d us'
      % (outcomes, len(cpu), cpu[0], cpu[len(cpu) // 2], cpu[-1], over[len(over) // 2], over[-1]))"
