#!/usr/bin/env bash
# Cold starts with and without a function snapshot, through the gRPC API.
#   tools/bench/snapshot_cold_start.sh [count] [build dir] [agent flags...]
# Starts its own agent on ephemeral ports; deploys examples/heavy.js (a ~5 MB object graph
# built by its top level) and examples/hello.js under each snapshot policy, runs
# `hearthctl bench --cold` (and --warm for hello) on each, and prints one line per case with
# the top-level cost, deploy time, blob size, latency/boot percentiles, and how the cold
# starts got their isolate (hearth_cold_starts_total: reserve, booted, primed, snapshot).
set -euo pipefail
count="${1:-40}"
bin="${2:-build/release}/bin"
shift $(($# < 2 ? $# : 2))
work="$(mktemp -d)"
trap 'rm -rf "$work"; kill "$agent_PID" 2>/dev/null || true' EXIT

coproc agent { exec "$bin/hearth-agent" --grpc-listen 127.0.0.1:0 --metrics-listen 127.0.0.1:0 "$@" 2>/dev/null; }
read -r ready <&"${agent[0]}"
target="$(sed -E 's/.*grpc=([^ ]+).*/\1/' <<<"$ready")"
metrics="$(sed -E 's/.*metrics=([^ ]+).*/\1/' <<<"$ready")"
ctl=("$bin/hearthctl" --agent "$target")

paths() {  # hearth_cold_starts_total by path, as "reserve=N booted=N primed=N snapshot=N"
  curl -s "http://$metrics/metrics" |
    sed -nE 's/^hearth_cold_starts_total\{path="([a-z]+)"\} ([0-9.e+]+)$/\1 \2/p' |
    awk '{printf "%s=%d ", $1, $2}'
}

run() {  # run NAME FILE POLICY MODE
  local name="$1" file="$2" policy="$3" mode="$4"
  "${ctl[@]}" deploy "$name" "$file" --snapshot "$policy" --output json >"$work/$name.deploy.json"
  local before after
  before="$(paths)"
  "${ctl[@]}" bench "$name" "--$mode" -n "$count" --json "$work/$name.$mode.json" >/dev/null 2>&1
  after="$(paths)"
  python3 - "$work/$name.deploy.json" "$work/$name.$mode.json" "$file" "$policy" "$mode" \
    "$before" "$after" <<'PY'
import json, sys
deploy, bench = (json.load(open(p)) for p in sys.argv[1:3])
file, policy, mode = sys.argv[3:6]
before, after = (dict(kv.split("=") for kv in text.split()) for text in sys.argv[6:8])
paths = " ".join(f"{k}={int(after[k]) - int(before.get(k, 0))}" for k in after
                 if int(after[k]) != int(before.get(k, 0)))
lat, boot = bench["latency_us"], bench["phases_us"]["boot"]
print(f"{file:22} snapshot={policy:6} {mode:4}  deploy {deploy['build_ms']:7.1f} ms  "
      f"blob {deploy['snapshot_bytes'] / 1e6:5.2f} MB  errors {bench['errors']}  "
      f"latency p50 {lat['p50'] / 1000:7.2f} p90 {lat['p90'] / 1000:7.2f} ms  "
      f"boot p50 {boot['p50'] / 1000:7.2f} p99 {boot['p99'] / 1000:7.2f} ms  "
      f"cold starts: {paths or '-'}")
PY
}

run heavy_always examples/heavy.js always cold
run heavy_never examples/heavy.js never cold
run hello_always examples/hello.js always cold
run hello_never examples/hello.js never cold
run hello_warm examples/hello.js never warm
