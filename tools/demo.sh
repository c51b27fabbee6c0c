#!/usr/bin/env bash
# Installs dependencies, builds, starts hearth-agent in the background, deploys
# examples/hello.js and invokes it. The agent keeps running so you can invoke it again.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

./tools/bootstrap.sh
cmake --preset release >/dev/null
cmake --build --preset release --target hearth-agent hearthctl

bin="$PWD/build/release/bin"
state="$PWD/build/demo-state"
log="$PWD/build/demo-agent.log"
pidfile="$PWD/build/demo-agent.pid"
grpc="127.0.0.1:7070"

if [[ -f "$pidfile" ]] && kill -0 "$(cat "$pidfile")" 2>/dev/null; then
  echo "demo: stopping the agent left from the last run (pid $(cat "$pidfile"))"
  kill "$(cat "$pidfile")"
  while kill -0 "$(cat "$pidfile")" 2>/dev/null; do sleep 0.1; done
fi

mkdir -p "$state"
nohup "$bin/hearth-agent" --grpc-listen "$grpc" --metrics-listen 127.0.0.1:9464 \
  --state-dir "$state" >"$log" 2>&1 &
echo $! >"$pidfile"

# Wait for the ready line (the agent prints it once it serves).
for _ in $(seq 1 300); do
  grep -q "hearth-agent ready" "$log" && break
  kill -0 "$(cat "$pidfile")" 2>/dev/null || { cat "$log"; exit 1; }
  sleep 0.1
done
head -n 1 "$log"

set -x
"$bin/hearthctl" deploy hello examples/hello.js
"$bin/hearthctl" invoke hello
"$bin/hearthctl" invoke hello --path '/?name=Hearth' --verbose
{ set +x; } 2>/dev/null

cat <<MSG

hearth-agent is running (pid $(cat "$pidfile"), log $log). Try:
  $bin/hearthctl invoke hello --path '/?name=you'
  $bin/hearthctl list
  curl -s http://127.0.0.1:9464/metrics | grep hearth_invocations_total
Stop it with:  kill $(cat "$pidfile")
MSG
