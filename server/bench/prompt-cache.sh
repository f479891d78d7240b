#!/usr/bin/env bash
# Measures what the prompt cache saves a chat's repeated or continued prompt: starts the server on the
# built-in model twice, with the cache off (the baseline) and on, sends 8 different ~180-token chat
# prompts twice each (max_tokens 1, so the time is mostly the prefill) and reports the median latency
# of the second sends and the ratio.
# Usage: server/bench/prompt-cache.sh   (after `mvn -B install -DskipTests`)
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
PORT="${PORT:-18182}"
NAMES=("Stefan Kingsley" "Zara Abbott" "Martin Hartley" "Katrin Garrick" "Helga Moss" "Ivan Petrov" "Lena Frost" "Omar Said")

median() { sort -n | awk '{a[NR]=$1} END {print (NR % 2 ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2)}'; }

run() { # $1 = prompt-cache-mb; prints the median ms of the repeated sends
  java --add-modules jdk.incubator.vector -Dai.djl.offline=true -Dquarkus.http.port="$PORT" \
    -Dshallows.batching.prompt-cache-mb="$1" \
    -jar "$ROOT/server/target/quarkus-app/quarkus-run.jar" > "${TMPDIR:-/tmp}/prompt-cache-bench.log" 2>&1 &
  local pid=$!
  until curl -sf "localhost:$PORT/q/health/ready" > /dev/null; do sleep 1; done
  local times=()
  for name in "${NAMES[@]}"; do
    local story="" i
    for i in $(seq 12); do story+="$name works for Copperleaf Bank. He was born in Oslo in 1949. "; done
    local body="{\"model\":\"shallows-tiny\",\"messages\":[{\"role\":\"user\",\"content\":\"$story\"}],\"max_tokens\":1,\"temperature\":0}"
    send() { curl -sf -o /dev/null -w '%{time_total}\n' "localhost:$PORT/v1/chat/completions" \
      -H 'Content-Type: application/json' -d "$body"; }
    send > /dev/null # first send: the prefill, and a cache entry when the cache is on
    times+=("$(send)")
  done
  kill "$pid"; wait "$pid" 2>/dev/null || true
  # the first two prompts warm the JIT up: the median is over the other six
  printf '%s\n' "${times[@]:2}" | awk '{print $1 * 1000}' | median
}

off=$(run 0)
on=$(run 256)
printf 'repeated 180-token chat prompt, median latency: cache off %.0f ms, cache on %.0f ms (%.1fx)\n' \
  "$off" "$on" "$(awk -v a="$off" -v b="$on" 'BEGIN {print a / b}')"
