#!/usr/bin/env bash
# Peers side by side: the same two functions (tools/bench/peers/hello.js and
# examples/heavy.js) served by Hearth (its edge HTTP listener), Cloudflare's workerd and
# Deno (`deno serve`), measured in one run: wrk throughput and latency, first request and
# new-function-to-first-response times, memory per extra function instance. Prints a table
# with the ratios Hearth/workerd and Hearth/deno and writes it to OUT_DIR as peers.md,
# peers.svg (bar plot of the ratios) and peers.tsv (every sample). docs/BENCHMARKS.md,
# "Peers side by side", says what each figure is.
#   tools/bench/peers.sh [duration seconds, default 10] [output dir, default build/peers]
# Environment:
#   HEARTH_BUILD     Hearth build directory (default build/release)
#   PEERS_DIR        where workerd and deno are installed from npm (default third_party/peers)
#   PEERS_INSTANCES  extra function instances of the memory figure (default 10)
#   PEERS_COLD_RUNS  timed cold starts per runtime and function, median kept (default 5)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
repo=$PWD
duration="${1:-10}"
out="${2:-build/peers}"
bin="${HEARTH_BUILD:-build/release}/bin"
peers_dir="${PEERS_DIR:-$repo/third_party/peers}"
instances="${PEERS_INSTANCES:-10}"
cold_runs="${PEERS_COLD_RUNS:-5}"
deadline=30 # seconds any runtime may take to become ready

die() { echo "peers: $*" >&2; exit 1; }
say() { echo "peers: $*" >&2; }
[[ "$duration" =~ ^[1-9][0-9]*$ ]] || die "duration must be a whole number of seconds, got '$duration'"
[[ "$instances" =~ ^[1-9][0-9]*$ ]] || die "PEERS_INSTANCES must be a positive integer"
[[ "$cold_runs" =~ ^[1-9][0-9]*$ ]] || die "PEERS_COLD_RUNS must be a positive integer"
[[ "$(uname -sm)" == "Linux x86_64" ]] || die "the pinned npm packages are the linux-x64 builds; this is $(uname -sm)"
[[ -x "$bin/hearth-agent" && -x "$bin/hearthctl" ]] ||
  die "no Hearth build in $bin (build it: cmake --preset release && cmake --build --preset release; or set HEARTH_BUILD)"
for tool in node npm curl; do
  command -v "$tool" >/dev/null || die "$tool is required (tools/bootstrap.sh installs node and npm)"
done

# ---- processes: every one started here is killed on exit -------------------------------
pids=()
work="$(mktemp -d)"
cleanup() {
  local pid
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
forget() { # PID...: no longer ours to kill
  local keep=() p
  for p in "${pids[@]}"; do [[ " $* " == *" $p "* ]] || keep+=("$p"); done
  pids=("${keep[@]}")
}
stop() { # PID...: kill and reap, forget them
  local pid
  for pid in "$@"; do kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; done
  forget "$@"
}
# Long commands run in the background and are waited for, so that a signal ends the script
# (and, through the trap, them) at once rather than when they are done.
fg() {
  local pid rc=0
  "$@" &
  pid=$!
  pids+=("$pid")
  wait "$pid" || rc=$?
  forget "$pid"
  return "$rc"
}
probe() { node "$repo/tools/bench/peers/probe.mjs" "$@"; }
ports() { probe ports "$1"; }
wait_tcp() { fg probe wait-tcp "$1" "$deadline" "${2:-}"; } # HOST:PORT [PID]
rss_kib() { awk '/^VmRSS:/ {print $2}' "/proc/$1/status"; } # PID: resident set size, KiB
pss_kib() { # PID...: proportional set size summed over the processes, KiB
  local pid total=0 v
  for pid in "$@"; do
    v=$(awk '/^Pss:/ {print $2}' "/proc/$pid/smaps_rollup")
    total=$((total + v))
  done
  echo "$total"
}

# ---- tools -----------------------------------------------------------------------------
if ! command -v wrk >/dev/null; then
  sudo=()
  [[ "$(id -u)" -eq 0 ]] || sudo=(sudo)
  say "installing wrk (Debian package)"
  { "${sudo[@]}" apt-get install -y -qq wrk || { "${sudo[@]}" apt-get update -qq &&
    "${sudo[@]}" apt-get install -y -qq wrk; }; } >/dev/null ||
    die "cannot install wrk with apt-get; install it and run again"
fi

# workerd and deno from the npm registry, versions pinned in tools/bench/peers/package-lock.json.
# --ignore-scripts: the platform packages (@cloudflare/workerd-linux-64, @deno/linux-x64-glibc)
# hold the binaries themselves; the wrappers' postinstall scripts are not needed.
workerd="$peers_dir/node_modules/@cloudflare/workerd-linux-64/bin/workerd"
deno="$peers_dir/node_modules/@deno/linux-x64-glibc/deno"
lock=tools/bench/peers/package-lock.json
if ! cmp -s "$lock" "$peers_dir/package-lock.json" || [[ ! -x "$workerd" || ! -x "$deno" ]]; then
  say "installing workerd and deno from the npm registry into $peers_dir"
  mkdir -p "$peers_dir"
  cp tools/bench/peers/package.json "$lock" "$peers_dir/"
  (cd "$peers_dir" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error >&2) ||
    die "npm ci in $peers_dir failed: is the npm registry reachable (npm config get registry)?"
fi
workerd_version="$("$workerd" --version 2>&1)" || die "workerd does not run: $workerd"
deno_version="$("$deno" --version 2>&1 | head -1)" || die "deno does not run: $deno"
export DENO_DIR="$peers_dir/deno_dir" DENO_NO_UPDATE_CHECK=1 NO_COLOR=1

# ---- the functions ---------------------------------------------------------------------
functions=(hello heavy)
cp tools/bench/peers/hello.js "$work/hello.js"
cp examples/heavy.js "$work/heavy.js"
declare -A query=([hello]="/" [heavy]="/?id=123")

mkdir -p "$out"
results="$out/peers.tsv"
: >"$results"
record() { printf '%s\t%s\t%s\t%s\n' "$@" >>"$results"; } # runtime function metric value
record '#' "date" "$(date -u +%FT%TZ), $(nproc) CPUs, $(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo)" ''
record '#' "hearth" "$bin/hearth-agent (this checkout: $(git rev-parse --short HEAD 2>/dev/null || echo '?'))" ''
record '#' "workerd" "$workerd_version" ''
record '#' "deno" "$deno_version" ''
record '#' "load" "wrk -t1 -c16 -d${duration}s --latency after one warm-up run of the same length; $instances extra instances for memory; median of $cold_runs cold starts" ''

# wrk: one warm-up run, then the measured one.
load() { # runtime function url
  local file="$out/wrk-$1-$2.txt" res rps p50 p99
  say "$1 $2: wrk ${duration}s warm-up, then ${duration}s measured ($3)"
  fg wrk -t1 -c16 -d"${duration}s" --latency "$3" >"$work/warmup.txt" 2>&1 || die "wrk failed: $(cat "$work/warmup.txt")"
  fg wrk -t1 -c16 -d"${duration}s" --latency "$3" >"$file" 2>&1 || die "wrk failed: $(cat "$file")"
  res="$(probe wrk "$file")"
  read -r rps p50 p99 <<<"$res"
  record "$1" "$2" rps "$rps"
  record "$1" "$2" p50_ms "$p50"
  record "$1" "$2" p99_ms "$p99"
}
cold() { # runtime function kind url cmd...: one untimed run, then $cold_runs timed ones
  local runtime=$1 fn=$2 kind=$3 url=$4 i new first
  shift 4
  for i in $(seq 0 "$cold_runs"); do
    if [[ "$kind" == spawn ]]; then
      fg probe spawn-first "$url" "$deadline" "$work/$runtime-cold.log" -- "$@" >"$work/cold.txt"
    else
      fg probe run-first "${url//@/$i}" -- "${@//@/$i}" >"$work/cold.txt"
    fi
    read -r new first <"$work/cold.txt"
    ((i == 0)) && continue
    record "$runtime" "$fn" new_ms "$new"
    record "$runtime" "$fn" first_ms "$first"
  done
}

# ---- workerd ---------------------------------------------------------------------------
workerd_config() { # file module port...: one worker service and socket per port
  local file=$1 module=$2 i=0 port services=() sockets=()
  shift 2
  for port in "$@"; do
    services+=("(name = \"f$i\", worker = .w)")
    sockets+=("(name = \"s$i\", address = \"127.0.0.1:$port\", http = (), service = \"f$i\")")
    i=$((i + 1))
  done
  local IFS=,
  cat >"$file" <<EOF
using Workerd = import "/workerd/workerd.capnp";
const config :Workerd.Config = (
  services = [${services[*]}],
  sockets = [${sockets[*]}],
);
const w :Workerd.Worker = (
  modules = [(name = "$module.js", esModule = embed "$module.js")],
  compatibilityDate = "2025-09-01",
);
EOF
}
start_workerd() { # config log: sets started
  "$workerd" serve "$1" >"$2" 2>&1 &
  started=$!
  pids+=("$started")
}

for fn in "${functions[@]}"; do
  read -r port <<<"$(ports 1)"
  workerd_config "$work/workerd-$fn-1.capnp" "$fn" "$port"
  say "workerd $fn: $cold_runs cold starts"
  cold workerd "$fn" spawn "http://127.0.0.1:$port${query[$fn]}" "$workerd" serve "$work/workerd-$fn-1.capnp"

  start_workerd "$work/workerd-$fn-1.capnp" "$work/workerd.log"
  wait_tcp "127.0.0.1:$port" "$started" || die "workerd did not start: $(cat "$work/workerd.log")"
  load workerd "$fn" "http://127.0.0.1:$port${query[$fn]}"
  stop "$started"

  say "workerd $fn: memory, 1 and $((instances + 1)) worker services in one process"
  start_workerd "$work/workerd-$fn-1.capnp" "$work/workerd.log"
  wait_tcp "127.0.0.1:$port" "$started" || die "workerd did not start: $(cat "$work/workerd.log")"
  curl -sf "http://127.0.0.1:$port${query[$fn]}" >/dev/null
  base=$(rss_kib "$started")
  stop "$started"
  read -ra many <<<"$(ports $((instances + 1)))"
  workerd_config "$work/workerd-$fn-n.capnp" "$fn" "${many[@]}"
  start_workerd "$work/workerd-$fn-n.capnp" "$work/workerd.log"
  for port in "${many[@]}"; do
    wait_tcp "127.0.0.1:$port" "$started" || die "workerd did not start: $(cat "$work/workerd.log")"
    curl -sf "http://127.0.0.1:$port${query[$fn]}" >/dev/null
  done
  total=$(rss_kib "$started")
  stop "$started"
  record workerd "$fn" base_kib "$base"
  record workerd "$fn" mem_kib "$(((total - base) / instances))"
done

# ---- deno ------------------------------------------------------------------------------
start_deno() { # module port log: sets started
  "$deno" serve --host 127.0.0.1 --port "$2" "$work/$1.js" >"$3" 2>&1 &
  started=$!
  pids+=("$started")
}
for fn in "${functions[@]}"; do
  read -r port <<<"$(ports 1)"
  say "deno $fn: $cold_runs cold starts"
  cold deno "$fn" spawn "http://127.0.0.1:$port${query[$fn]}" \
    "$deno" serve --host 127.0.0.1 --port "$port" "$work/$fn.js"

  start_deno "$fn" "$port" "$work/deno.log"
  wait_tcp "127.0.0.1:$port" "$started" || die "deno did not start: $(cat "$work/deno.log")"
  load deno "$fn" "http://127.0.0.1:$port${query[$fn]}"
  stop "$started"

  say "deno $fn: memory, 1 and $((instances + 1)) processes (deno serve runs one module per process)"
  read -ra many <<<"$(ports $((instances + 1)))"
  group=()
  for port in "${many[@]}"; do
    start_deno "$fn" "$port" "$work/deno-$port.log"
    group+=("$started")
    wait_tcp "127.0.0.1:$port" "$started" || die "deno did not start: $(cat "$work/deno-$port.log")"
    curl -sf "http://127.0.0.1:$port${query[$fn]}" >/dev/null
    if ((${#group[@]} == 1)); then
      base=$(rss_kib "$started")
      one=$(pss_kib "$started")
    fi
  done
  # Pss, not RSS: the processes share the binary's pages, which RSS would count N times.
  total=$(pss_kib "${group[@]}")
  stop "${group[@]}"
  record deno "$fn" base_kib "$base"
  record deno "$fn" mem_kib "$(((total - one) / instances))"
done

# ---- Hearth ----------------------------------------------------------------------------
start_agent() { # log flags...: sets started and grpc; fails when the agent exits first
  local log=$1 end=$((SECONDS + deadline))
  shift
  "$bin/hearth-agent" --grpc-listen 127.0.0.1:0 --metrics-listen 127.0.0.1:0 "$@" >"$log.out" 2>"$log.err" &
  started=$!
  pids+=("$started")
  until grep -q '^hearth-agent ready' "$log.out"; do
    kill -0 "$started" 2>/dev/null || return 1
    ((SECONDS < end)) || die "hearth-agent not ready within $deadline s: $(cat "$log.err")"
    sleep 0.01
  done
  grpc="$(sed -nE 's/^hearth-agent ready.* grpc=([^ ]+).*/\1/p' "$log.out")"
}

hearth_http=""
hearth_why=""
read -r port <<<"$(ports 1)"
agent_help="$("$bin/hearth-agent" --help 2>&1 || true)"
if [[ "$agent_help" != *--http-listen* ]]; then
  hearth_why="hearth-agent has no --http-listen"
elif ! start_agent "$work/agent" --http-listen "127.0.0.1:$port"; then
  hearth_why="hearth-agent refused --http-listen: $(tail -1 "$work/agent.err")"
else
  agent=$started
  # The ready line names the listener when it has one (http=HOST:PORT); else the flag's.
  hearth_http="$(sed -nE 's/^hearth-agent ready.* http=([^ ]+).*/\1/p' "$work/agent.out")"
  hearth_http="${hearth_http:-127.0.0.1:$port}"
  wait_tcp "$hearth_http" "$agent" || die "the edge HTTP listener did not open: $(cat "$work/agent.err")"
  ctl=("$bin/hearthctl" --agent "$grpc")
  for fn in "${functions[@]}"; do
    say "hearth $fn: $cold_runs deploys of never-invoked functions, first request through the listener"
    cold hearth "$fn" run "http://$hearth_http/cold-$fn-@${query[$fn]}" \
      "${ctl[@]}" deploy "cold-$fn-@" "$work/$fn.js"
    "${ctl[@]}" deploy "$fn" "$work/$fn.js" >/dev/null
    curl -sf "http://$hearth_http/$fn${query[$fn]}" >/dev/null ||
      die "the edge listener does not route http://$hearth_http/$fn${query[$fn]} to '$fn'"
    load hearth "$fn" "http://$hearth_http/$fn${query[$fn]}"
  done
  stop "$agent"
fi
if [[ -n "$hearth_why" ]]; then
  say "Hearth's load and cold-start figures: n/a ($hearth_why)"
  record '#' "hearth n/a" "$hearth_why" ''
  for fn in "${functions[@]}"; do
    for metric in rps p50_ms p99_ms first_ms new_ms; do record hearth "$fn" "$metric" n/a; done
  done
fi

# Memory per instance needs no listener: as tools/bench/isolate_rss.sh, over gRPC.
for fn in "${functions[@]}"; do
  say "hearth $fn: memory, 1 and $((instances + 1)) functions in one agent"
  start_agent "$work/agent-mem" --reserve-per-worker 0 || die "hearth-agent did not start: $(cat "$work/agent-mem.err")"
  ctl=("$bin/hearthctl" --agent "$grpc")
  "${ctl[@]}" deploy f0 "$work/$fn.js" >/dev/null
  "${ctl[@]}" invoke f0 --path "${query[$fn]}" >/dev/null
  base=$(rss_kib "$started")
  for i in $(seq "$instances"); do
    "${ctl[@]}" deploy "f$i" "$work/$fn.js" >/dev/null
    "${ctl[@]}" invoke "f$i" --path "${query[$fn]}" >/dev/null
  done
  total=$(rss_kib "$started")
  stop "$started"
  record hearth "$fn" base_kib "$base"
  record hearth "$fn" mem_kib "$(((total - base) / instances))"
done

probe report "$results" "$out"
say "wrote $out/peers.md, $out/peers.svg, $out/peers.tsv"
