#!/usr/bin/env bash
# Resident memory per warm hello-world isolate: starts an agent, reads its RSS, deploys N
# copies of examples/hello.js (or FILE) under distinct names (each keeps one warm isolate),
# invokes each once, reads RSS again.
#   tools/bench/isolate_rss.sh [N] [build dir] [FILE]
set -euo pipefail
count="${1:-200}"
bin="${2:-build/release}/bin"
file="${3:-examples/hello.js}"
coproc agent { exec "$bin/hearth-agent" --grpc-listen 127.0.0.1:0 --metrics-listen 127.0.0.1:0 \
  --reserve-per-worker 0 2>/dev/null; }
trap 'kill "$agent_PID" 2>/dev/null || true' EXIT
read -r ready <&"${agent[0]}"
target="$(sed -E 's/.*grpc=([^ ]+).*/\1/' <<<"$ready")"
ctl=("$bin/hearthctl" --agent "$target")
rss_kib() { awk '/^VmRSS/ {print $2}' "/proc/$agent_PID/status"; }

# One function first, so that V8's per-process set-up is not counted per isolate.
"${ctl[@]}" deploy warmup "$file" >/dev/null
"${ctl[@]}" invoke warmup >/dev/null
before=$(rss_kib)
for i in $(seq "$count"); do
  "${ctl[@]}" deploy "hello$i" "$file" >/dev/null
  "${ctl[@]}" invoke "hello$i" >/dev/null
done
after=$(rss_kib)
warm=$(curl -s "http://$(sed -E 's/.*metrics=([^ ]+).*/\1/' <<<"$ready")/metrics" |
  awk '/^hearth_isolates\{.*state="warm"/ {sum += $2} END {print sum}')
awk -v b="$before" -v a="$after" -v n="$count" -v w="$warm" 'BEGIN {
  printf "RSS before %.1f MiB, after %.1f MiB, %d functions (%d warm isolates): %.0f KiB per warm isolate; %d isolates per 2 GiB\n",
    b / 1024, a / 1024, n, w, (a - b) / n, 2 * 1024 * 1024 / ((a - b) / n) }'
