#!/usr/bin/env bash
# Time from exec of hearth-agent until its ready line, over N runs (default 20).
#   tools/bench/agent_startup.sh [runs] [build dir]
set -euo pipefail
runs="${1:-20}"
bin="${2:-build/release}/bin/hearth-agent"
times=()
for _ in $(seq "$runs"); do
  start=$(date +%s%N)
  coproc agent { exec "$bin" --grpc-listen 127.0.0.1:0 --metrics-listen 127.0.0.1:0 2>/dev/null; }
  read -r line <&"${agent[0]}"
  end=$(date +%s%N)
  kill -TERM "$agent_PID"; wait "$agent_PID" || true
  [[ "$line" == *"hearth-agent ready"* ]] || { echo "not ready: $line" >&2; exit 1; }
  times+=($(( (end - start) / 1000 )))
done
printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1} END {printf "agent start to ready: n=%d p50=%.1f ms min=%.1f ms max=%.1f ms\n", NR, a[int(NR/2)+1]/1000, a[1]/1000, a[NR]/1000}'
