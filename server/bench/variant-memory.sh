#!/usr/bin/env bash
# Measures what serving pruned variants beside the full model costs in memory: starts the server on
# a random-weight Llama (16 layers, hidden 1024, 725 MB of F32 weights), touches every weight with a
# request, then prunes 4 and 8 layers through the admin API and reports the process RSS each time.
# Usage: server/bench/variant-memory.sh   (after `mvn -B install -DskipTests`)
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
WORK="${TMPDIR:-/tmp}/shallows-variant-memory"
PORT="${PORT:-18181}"
rm -rf "$WORK" && mkdir -p "$WORK"
cat > "$WORK/Gen.java" <<'JAVA'
import dev.shallows.engine.bench.RandomCheckpoint;
import dev.shallows.store.SharedData;
import dev.shallows.store.llama2c.Llama2cImporter;
import java.nio.file.*;
public class Gen {
  public static void main(String[] a) throws Exception {
    Path dir = Path.of(a[0]), tok = Path.of(a[0] + "-tok");
    Llama2cImporter.importModel(SharedData.resolve("llama2c/stories260K.bin"),
        SharedData.resolve("llama2c/tok512.bin"), tok, true); // borrow its 512-token tokenizer
    RandomCheckpoint.write(dir, RandomCheckpoint.llamaConfig(16, 1024, 2816, 16, 4, 512), 7);
    for (String f : new String[] {"tokenizer.json", "tokenizer_config.json", "generation_config.json"})
      Files.copy(tok.resolve(f), dir.resolve(f), StandardCopyOption.REPLACE_EXISTING);
  }
}
JAVA
java -Dshallows.shared.data="${SHALLOWS_SHARED_DATA:-$ROOT/../shared/data}" -cp "$ROOT/pruning/target/lib/*" "$WORK/Gen.java" "$WORK/model"
java --add-modules jdk.incubator.vector -Dai.djl.offline=true -Dquarkus.http.port="$PORT" \
  -Dshallows.model.dir="$WORK/model" -Dshallows.model.name=rand16 -Dshallows.admin.api-key=bench \
  -jar "$ROOT/server/target/quarkus-app/quarkus-run.jar" > "$WORK/server.log" 2>&1 &
PID=$!
trap 'kill $PID 2>/dev/null || true' EXIT
until curl -sf "localhost:$PORT/q/health/ready" > /dev/null; do sleep 1; done
# a GC first: surgery maps the source checkpoint, and Java unmaps a closed mapping only when collected
rss() { jcmd "$PID" GC.run > /dev/null; sleep 1; awk '/VmRSS/ {printf "%.0f", $2/1024}' "/proc/$PID/status"; }
req() { curl -sf "localhost:$PORT/v1/completions" -H 'Content-Type: application/json' \
  -d "{\"model\":\"rand16:$1\",\"prompt\":\"Once upon a time\",\"max_tokens\":16}" > /dev/null; }
prune() {
  local id; id=$(curl -sf "localhost:$PORT/admin/prune" -H 'Authorization: Bearer bench' -H 'Content-Type: application/json' \
    -d "{\"strategy\":\"last\",\"n\":$1}" | sed 's/.*"id":"\([^"]*\)".*/\1/')
  until curl -sf "localhost:$PORT/admin/jobs/$id" -H 'Authorization: Bearer bench' | grep -q '"state":"succeeded"'; do sleep 0.5; done
}
req full; req full
echo "weights on disk: $(du -m "$WORK/model/model.safetensors" | cut -f1) MB"
R0=$(rss); echo "RSS serving full only:                 ${R0} MB"
prune 4; req pruned-4-last; req pruned-4-last; R1=$(rss)
echo "RSS after adding pruned-4-last (12 layers): ${R1} MB (+$((R1 - R0)) MB)"
prune 8; req pruned-8-last; req pruned-8-last; R2=$(rss)
echo "RSS after adding pruned-8-last (8 layers): ${R2} MB (+$((R2 - R0)) MB for both variants)"
curl -sf "localhost:$PORT/admin/variants" -H 'Authorization: Bearer bench' | tr '{' '\n' | grep -o '"name":"[^"]*","loaded":true,"layers":\[[^]]*\],"shares_parent_weights":[a-z]*'
