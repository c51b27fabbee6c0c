#!/usr/bin/env bash
# CPU time each agent thread spends per request, read from /proc/<pid>/task/*/stat around
# one `hearthctl bench` (after 50 requests of warm-up of the same kind).
#   tools/bench/thread_cpu_per_request.sh FILE POLICY MODE COUNT [build dir] [-- bench flags...]
#   e.g. tools/bench/thread_cpu_per_request.sh examples/hello.js never cold 1000
#        tools/bench/thread_cpu_per_request.sh examples/hello.js never cold 300 build/release -- --interval-ms 20
# Prints hearthctl's summary, then "thread  ms/request" for every thread that used CPU.
set -euo pipefail
file="$1" policy="$2" mode="$3" count="$4"
shift 4
bin="build/release/bin"
if [[ $# -gt 0 && "$1" != "--" ]]; then bin="$1/bin"; shift; fi
[[ $# -gt 0 && "$1" == "--" ]] && shift
work="$(mktemp -d)"
trap 'rm -rf "$work"; kill "$agent_PID" 2>/dev/null || true' EXIT

coproc agent { exec "$bin/hearth-agent" --grpc-listen 127.0.0.1:0 --metrics-listen 127.0.0.1:0 2>/dev/null; }
read -r ready <&"${agent[0]}"
target="$(sed -E 's/.*grpc=([^ ]+).*/\1/' <<<"$ready")"
ctl=("$bin/hearthctl" --agent "$target")
"${ctl[@]}" deploy fn "$file" --snapshot "$policy" >/dev/null
"${ctl[@]}" bench fn "--$mode" -n 50 "$@" >/dev/null 2>&1

ticks() {  # thread name -> utime + stime, summed over threads of one name
  for task in /proc/"$agent_PID"/task/*; do
    echo "$(tr ' ' '_' <"$task/comm") $(awk '{print $14 + $15}' "$task/stat")"
  done | awk '{t[$1] += $2} END {for (n in t) print n, t[n]}' | sort
}
ticks >"$work/before"
"${ctl[@]}" bench fn "--$mode" -n "$count" "$@" 2>&1 | tail -2
ticks >"$work/after"
hz="$(getconf CLK_TCK)"
join "$work/before" "$work/after" |
  awk -v n="$count" -v hz="$hz" '{ms = ($3 - $2) * 1000 / hz / n; if (ms > 0) printf "%-18s %.3f ms/request\n", $1, ms}'
