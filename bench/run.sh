#!/usr/bin/env bash
# Benchmarks interactiond with wrk against a fresh server on loopback, and reports every figure as
# a ratio to the server's cheapest route (GET /health) measured in the same run, because the
# machine is shared and absolute numbers drift.
#
#   bench/run.sh                      throughput/latency of POST /api/v1/interactions vs /health,
#                                     start-up time, then outbound events through the Pub/Sub API
#                                     (bench/pubsub.sh, its own server)
#   MEMORY_ENTRIES=1000000 bench/run.sh  also: resident memory after that many stored entries
#
# Environment: INTERACTIOND_BIN (default build/interactiond), DURATION (10s), CONNECTIONS (32),
# WRK_THREADS (1: wrk shares the 2 cores with the server), DURABILITY (full).
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${INTERACTIOND_BIN:-build/interactiond}
duration=${DURATION:-10s}
connections=${CONNECTIONS:-32}
wrk_threads=${WRK_THREADS:-1}
durability=${DURABILITY:-full}
memory_entries=${MEMORY_ENTRIES:-0}
results_dir=bench/results
mkdir -p "$results_dir"
report="$results_dir/$(date -u +%Y%m%dT%H%M%SZ).txt"
data=$(mktemp -d /tmp/interactiond-bench-XXXXXX)
server_pid=""
cleanup() {
  if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
  rm -rf "$data"
}
trap cleanup EXIT

# Starts the server on an ephemeral port; sets server_pid and base_url.
start_server() {
  local log=$1
  "$bin" serve --data "$data" --port 0 --pubsub-port 0 --pubsub-plaintext-port 0 \
    --durability "$durability" >"$log" 2>&1 &
  server_pid=$!
  for _ in $(seq 1 2000); do
    base_url=$(grep -o 'listening on http://[0-9.:]*' "$log" 2>/dev/null | cut -d' ' -f3 || true)
    [ -n "$base_url" ] && return 0
    sleep 0.005
  done
  echo "server did not start"; cat "$log"; exit 1
}

# Start-up: from exec to the listening line (store open, HTTP and Pub/Sub listeners bound); the
# first start also creates the data dir's keys and certificates.
startup=$(node bench/startup.mjs "$bin" "$data" 7)

start_server "$data/server.log"
eval "$("$bin" demo-env --data "$data" --port "${base_url##*:}")"
export ORG_ID ACCESS_TOKEN AUTHORIZATION_CONTEXT CHANNEL_ADDRESS_IDENTIFIER

run_wrk() {  # name script url
  wrk -t"$wrk_threads" -c"$connections" -d"$duration" --latency -s "$2" "$3" | grep '^RESULT' | sed "s/^RESULT/$1/"
}
field() { echo "$1" | tr ' ' '\n' | grep "^$2=" | cut -d= -f2; }

wrk -t1 -c8 -d2s "$base_url/health" >/dev/null  # warm-up
health=$(run_wrk health bench/health.lua "$base_url/health")
export RUN_TAG=1
interactions=$(run_wrk interactions bench/interactions.lua "$base_url/api/v1/interactions")
ratio=$(awk -v a="$(field "$interactions" rps)" -v b="$(field "$health" rps)" 'BEGIN { printf "%.2f", a / b }')
rss_kb=$(awk '/VmRSS/ { print $2 }' "/proc/$server_pid/status")
entries=$(curl -s "$base_url/admin/v1/stats" | sed 's/.*"entries":\([0-9]*\).*/\1/')

{
  echo "interactiond benchmark $(date -u +%FT%TZ) on $(nproc) cores; wrk -t$wrk_threads -c$connections -d$duration; durability=$durability"
  echo "$health"
  echo "$interactions"
  echo "interactions/health throughput ratio: $ratio"
  echo "$startup"
  echo "resident memory after ${entries} stored entries: $((rss_kb / 1024)) MiB"
} | tee "$report"

if [ "$memory_entries" -gt 0 ]; then
  round=2
  while [ "$entries" -lt "$memory_entries" ]; do
    export RUN_TAG=$round
    wrk -t"$wrk_threads" -c"$connections" -d20s -s bench/interactions.lua "$base_url/api/v1/interactions" >/dev/null
    entries=$(curl -s "$base_url/admin/v1/stats" | sed 's/.*"entries":\([0-9]*\).*/\1/')
    round=$((round + 1))
  done
  rss_kb=$(awk '/VmRSS/ { print $2 }' "/proc/$server_pid/status")
  echo "resident memory after ${entries} stored entries: $((rss_kb / 1024)) MiB" | tee -a "$report"
fi

# Outbound events: delivery rate to one subscriber and rep-message → subscriber latency, against a
# fresh server of its own (bench/pubsub.sh documents its variables).
INTERACTIOND_BIN="$bin" bench/pubsub.sh | tee -a "$report"
echo "report: $report"
