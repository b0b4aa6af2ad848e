#!/usr/bin/env bash
# Benchmarks outbound events through the Pub/Sub API against a fresh server on loopback (its own
# data dir and ephemeral ports), with bench/pubsub_bench.cpp as the client:
#   pubsub_publish / pubsub_throughput  N events published, then delivered to one EARLIEST
#                                       subscriber (plaintext listener): events/s
#   pubsub_latency                      rep messages at RATE/s through the HTTP rep API → one
#                                       LATEST subscriber (TLS listener): p50/p99/max ms
#   pubsub_latency_loaded               the same while wrk saturates POST /api/v1/interactions
#                                       (skipped with LOADED=0 or without wrk)
# Prints one line per figure on stdout (bench/run.sh appends them to its report).
#
# Environment: INTERACTIOND_BIN (default build/interactiond), PUBSUB_BENCH_BIN (default
# pubsub_bench next to it), EVENTS (200000), RATE (1000, messages/s), DURATION (10s, whole
# seconds, of each latency run; the variable bench/run.sh gives wrk), LATENCY_CONNECTIONS (4, HTTP
# connections of the rep), LOADED (1), DURABILITY (full).
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${INTERACTIOND_BIN:-build/interactiond}
bench=${PUBSUB_BENCH_BIN:-$(dirname "$bin")/pubsub_bench}
events=${EVENTS:-200000}
rate=${RATE:-1000}
duration=${DURATION:-10s}
seconds=${duration%s}
connections=${LATENCY_CONNECTIONS:-4}
loaded=${LOADED:-1}
durability=${DURABILITY:-full}
[ -x "$bench" ] || { echo "pubsub.sh: $bench not built (cmake --build build --target pubsub_bench)" >&2; exit 1; }

data=$(mktemp -d /tmp/interactiond-pubsub-bench-XXXXXX)
server_pid=""
wrk_pid=""
cleanup() {
  if [ -n "$wrk_pid" ]; then kill "$wrk_pid" 2>/dev/null || true; wait "$wrk_pid" 2>/dev/null || true; fi
  if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
  rm -rf "$data"
}
trap cleanup EXIT

log="$data/server.log"
"$bin" serve --data "$data" --port 0 --pubsub-port 0 --pubsub-plaintext-port 0 \
  --durability "$durability" >"$log" 2>&1 &
server_pid=$!
base_url="" tls="" plaintext=""
for _ in $(seq 1 2000); do
  base_url=$(grep -o 'listening on http://[0-9.:]*' "$log" 2>/dev/null | cut -d' ' -f3 || true)
  tls=$(grep -o 'pubsub (TLS) listening on [0-9.:]*' "$log" 2>/dev/null | cut -d' ' -f5 || true)
  plaintext=$(grep -o 'pubsub (plaintext) listening on [0-9.:]*' "$log" 2>/dev/null | cut -d' ' -f5 || true)
  [ -n "$base_url" ] && [ -n "$tls" ] && [ -n "$plaintext" ] && break
  kill -0 "$server_pid" 2>/dev/null || break
  sleep 0.005
done
if [ -z "$base_url" ] || [ -z "$tls" ] || [ -z "$plaintext" ]; then
  echo "pubsub.sh: server did not start" >&2; cat "$log" >&2; exit 1
fi

# ACCESS_TOKEN, ORG_ID, BASE_URL, AUTHORIZATION_CONTEXT, CHANNEL_ADDRESS_IDENTIFIER for the client.
eval "$("$bin" demo-env --data "$data" --port "${base_url##*:}")"
export ACCESS_TOKEN ORG_ID BASE_URL AUTHORIZATION_CONTEXT CHANNEL_ADDRESS_IDENTIFIER

"$bench" throughput --pubsub "$plaintext" --events "$events"
"$bench" latency --pubsub "$tls" --tls-ca "$data/tls/pubsub.crt" --rate "$rate" \
  --seconds "$seconds" --connections "$connections"

if [ "$loaded" = 1 ] && command -v wrk >/dev/null; then
  # Background load: as many inbound messages as 8 wrk connections can push (1,000 end users,
  # bench/interactions.lua), for the whole latency run; its rate is printed for context.
  RUN_TAG=7 wrk -t1 -c8 -d"$((seconds + 4))s" -s bench/interactions.lua \
    "$base_url/api/v1/interactions" >"$data/wrk.txt" &
  wrk_pid=$!
  sleep 1
  "$bench" latency --pubsub "$tls" --tls-ca "$data/tls/pubsub.crt" --rate "$rate" \
    --seconds "$seconds" --connections "$connections" --label pubsub_latency_loaded
  wait "$wrk_pid"; wrk_pid=""
  grep '^RESULT' "$data/wrk.txt" | sed 's/^RESULT/pubsub_latency_loaded_background interactions/'
fi
