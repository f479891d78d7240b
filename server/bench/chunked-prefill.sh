#!/usr/bin/env bash
# Measures what chunked prefill does to running streams when a long prompt joins: on a 16-layer,
# 512-wide model with a 2048-token context (random weights, the built-in tokenizer; made once with
# `./shallows pretrain --steps 1`), one stream decodes 160 tokens; after 40 of them a ~1,500-token
# prompt arrives. Runs the server twice: the whole prompt in one step (prefill-chunk-tokens 4096, the
# baseline) and in 256-token chunks (the default). Reports the stream's longest and median gap
# between tokens, and the long prompt's time to its one token.
# Usage: server/bench/chunked-prefill.sh   (after `mvn -B install -DskipTests`)
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
PORT="${PORT:-18183}"
WORK="${TMPDIR:-/tmp}/shallows-chunked-prefill-bench"
MODEL="$WORK/model"

if [[ ! -f "$MODEL/model.safetensors" ]]; then
  mkdir -p "$WORK"
  rm -rf "$MODEL" "$MODEL.checkpoint"
  "$ROOT/shallows" pretrain --data "$ROOT/model-store/models/shallows-tiny/README.md" \
    --tokenizer "$ROOT/model-store/models/shallows-tiny" --out "$MODEL" --steps 1 --warmup 0 \
    --layers 16 --hidden 512 --intermediate 1536 --heads 8 --kv-heads 4 --context 2048 \
    --seq-len 64 --batch-size 1 > "$WORK/pretrain.log" 2>&1
fi

# the long prompt: ~1,500 tokens of repeated text
LONG=""
for i in $(seq 190); do LONG+="Stefan Kingsley works for Copperleaf Bank. "; done

run() { # $1 = prefill-chunk-tokens; prints "max_gap_ms median_gap_ms long_prompt_ms prompt_tokens"
  java --add-modules jdk.incubator.vector -Dai.djl.offline=true -Dquarkus.http.port="$PORT" \
    -Dshallows.model.dir="$MODEL" -Dshallows.batching.prefill-chunk-tokens="$1" \
    -Dshallows.batching.prompt-cache-mb=0 \
    -jar "$ROOT/server/target/quarkus-app/quarkus-run.jar" > "$WORK/server-$1.log" 2>&1 &
  local pid=$!
  until curl -sf "localhost:$PORT/q/health/ready" > /dev/null; do sleep 1; done
  local model
  model=$(curl -sf "localhost:$PORT/v1/models" | sed -E 's/.*"id":"([^"]+)".*/\1/')
  # warm-up: the JIT and the prefill path, on a prompt as long as the measured one
  curl -sf -o /dev/null "localhost:$PORT/v1/completions" -H 'Content-Type: application/json' \
    -d "{\"model\":\"$model\",\"prompt\":\"$LONG\",\"max_tokens\":8}"
  # the stream (EOS banned so it runs all 160 tokens): one arrival time (ns) per event
  curl -sfN "localhost:$PORT/v1/completions" -H 'Content-Type: application/json' \
    -d "{\"model\":\"$model\",\"prompt\":\"Once upon a time\",\"max_tokens\":160,\"stream\":true,\"logit_bias\":{\"2\":-100}}" |
    while IFS= read -r line; do [[ "$line" == data:* ]] && date +%s%N; done > "$WORK/stream-$1.ns" &
  local stream=$!
  until [[ $(wc -l < "$WORK/stream-$1.ns") -ge 40 ]]; do sleep 0.05; done
  local long
  long=$(curl -sf -w ' %{time_total}' "localhost:$PORT/v1/completions" -H 'Content-Type: application/json' \
    -d "{\"model\":\"$model\",\"prompt\":\"$LONG\",\"max_tokens\":1}")
  wait "$stream"
  kill "$pid"; wait "$pid" 2>/dev/null || true
  local tokens seconds
  tokens=$(sed -E 's/.*"prompt_tokens":([0-9]+).*/\1/' <<< "$long")
  seconds=${long##* }
  awk 'NR > 1 { print ($1 - p) / 1e6 } { p = $1 }' "$WORK/stream-$1.ns" | sort -n |
    awk -v s="$seconds" -v t="$tokens" '{ g[NR] = $1 }
      END { printf "%.0f %.0f %.0f %d\n", g[NR], g[int((NR + 1) / 2)], s * 1000, t }'
}

read -r whole_max whole_med whole_long tokens <<< "$(run 4096)"
read -r chunk_max chunk_med chunk_long _ <<< "$(run 256)"
printf 'a %d-token prompt joining a running stream (16 layers x 512, F32):\n' "$tokens"
printf '  whole prompt in one step: stream gap max %d ms (median %d ms), long prompt %d ms\n' \
  "$whole_max" "$whole_med" "$whole_long"
printf '  256-token chunks:         stream gap max %d ms (median %d ms), long prompt %d ms\n' \
  "$chunk_max" "$chunk_med" "$chunk_long"
printf '  longest stall: %.1fx shorter with chunks; long prompt %.2fx the time\n' \
  "$(awk -v a="$whole_max" -v b="$chunk_max" 'BEGIN {print a / b}')" \
  "$(awk -v a="$chunk_long" -v b="$whole_long" 'BEGIN {print a / b}')"
