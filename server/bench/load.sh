#!/usr/bin/env bash
# Serving under load: starts the server on the built-in model and runs LoadBench (JDK only): 1, 2, 4,
# 8 and 16 clients each send streaming chat requests one after the other (different prompts, 64 tokens
# each with ignore_eos) and the report gives aggregate output tokens/s, its ratio to one client (the
# baseline, same run), and time-to-first-token and inter-token latency percentiles.
# Usage: server/bench/load.sh   (after `mvn -B install -DskipTests`; CLIENTS, TOKENS, PER_CLIENT override;
# SHALLOWS_JAVA_OPTS adds JVM flags to the server)
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
PORT="${PORT:-18184}"
java --add-modules jdk.incubator.vector -Dai.djl.offline=true -Dquarkus.http.port="$PORT" ${SHALLOWS_JAVA_OPTS:-} \
  -jar "$ROOT/server/target/quarkus-app/quarkus-run.jar" > "${TMPDIR:-/tmp}/load-bench.log" 2>&1 &
pid=$!
trap 'kill "$pid" 2> /dev/null || true' EXIT
until curl -sf "localhost:$PORT/q/health/ready" > /dev/null; do sleep 1; done
model=$(curl -sf "localhost:$PORT/v1/models" | grep -o '"id":"[^"]*"' | head -n 1 | cut -d'"' -f4)
echo "model $model, load average $(cut -d' ' -f1-3 /proc/loadavg)"
java "$ROOT/server/bench/LoadBench.java" "http://localhost:$PORT" "$model" "${TOKENS:-64}" \
  "${PER_CLIENT:-4}" "${CLIENTS:-1,2,4,8,16}"
