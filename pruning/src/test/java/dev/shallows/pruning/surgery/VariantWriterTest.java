package dev.shallows.pruning.surgery;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shallows.engine.Decoder;
import dev.shallows.engine.LlamaWeights;
import dev.shallows.engine.SequenceState;
import dev.shallows.pruning.Cancellation;
import dev.shallows.pruning.LoadedModel;
import dev.shallows.pruning.ProgressListener;
import dev.shallows.pruning.analysis.PruningPlan;
import dev.shallows.pruning.analysis.Strategy;
import dev.shallows.pruning.fixtures.Stories260K;
import dev.shallows.store.Checkpoint;
import dev.shallows.store.LlamaConfig;
import dev.shallows.store.VariantManifest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VariantWriterTest {

  @TempDir Path tmp;

  private static final int[] PROMPT = {1, 403, 407, 261, 378, 425, 259, 271};

  @Test
  void prunedCheckpointIsAValidModelEqualToTheInProcessView() throws Exception {
    Path src = Stories260K.dir();
    Path out = tmp.resolve("pruned");
    PruningPlan plan = PruningPlan.of(Strategy.LAST, new int[] {0, 1, 2, 3, 4}, 2, null);
    assertArrayEquals(new int[] {2, 3}, plan.removedOriginal());
    VariantManifest written =
        VariantWriter.write(src, plan, null, null, out, ProgressListener.NONE, Cancellation.none());

    // a standard HF directory: renumbered layers, rewritten config, copied tokenizer
    LlamaConfig cfg = LlamaConfig.read(out);
    assertEquals(3, cfg.numHiddenLayers());
    assertEquals(3, cfg.raw().get("num_hidden_layers").asInt());
    assertTrue(Files.isRegularFile(out.resolve("tokenizer.json")));
    assertTrue(Files.isRegularFile(out.resolve("tokenizer_config.json")));
    try (Checkpoint ck = Checkpoint.open(out);
        Checkpoint sk = Checkpoint.open(src)) {
      assertTrue(ck.has("model.layers.2.mlp.down_proj.weight"));
      assertFalse(ck.has("model.layers.3.mlp.down_proj.weight"));
      // new layer 2 is old layer 4, byte for byte
      assertArrayEquals(
          sk.tensor("model.layers.4.self_attn.q_proj.weight").toFloatArray(),
          ck.tensor("model.layers.2.self_attn.q_proj.weight").toFloatArray());
    }
    VariantManifest m = VariantManifest.read(out);
    assertEquals(written, m);
    assertEquals(List.of(2, 3), m.removedLayers());
    assertEquals(List.of(0, 1, 4), m.keptLayers());
    assertEquals("last", m.strategy());
    assertEquals(5, m.sourceLayers());
    assertEquals(WeightsHash.sha256(src), m.sourceSha256());
    assertEquals(64, m.sourceSha256().length());

    // same logits and the same greedy continuation as the zero-copy view of the parent
    try (LoadedModel parent = LoadedModel.open(src);
        LoadedModel pruned = LoadedModel.open(out)) {
      LlamaWeights view = parent.weights().keep(plan.keptPositions());
      assertArrayEquals(new int[] {0, 1, 4}, view.originalLayerIndices());
      try (Decoder a = parent.decoder(view);
          Decoder b = pruned.decoder()) {
        float[][] la = logits(a);
        float[][] lb = logits(b);
        for (int i = 0; i < la.length; i++) {
          assertArrayEquals(la[i], lb[i], 0f);
        }
        int[] ga = greedy(a, 24);
        assertArrayEquals(ga, greedy(b, 24));
        assertFalse(pruned.tokenizer().decode(ga).isBlank());
      }
    }
  }

  @Test
  void interruptedOrCancelledWriteLeavesNoVariant() throws Exception {
    Path src = Stories260K.dir();
    PruningPlan plan = PruningPlan.of(Strategy.LAST, new int[] {0, 1, 2, 3, 4}, 1, null);
    Path out = tmp.resolve("v");
    // interruption after the weights are on disk, before config and manifest
    ProgressListener crash =
        (stage, done, total) -> {
          if (done == 1) {
            throw new IllegalStateException("simulated crash");
          }
        };
    assertThrows(
        IllegalStateException.class,
        () -> VariantWriter.write(src, plan, null, null, out, crash, Cancellation.none()));
    assertFalse(Files.exists(out));
    assertEquals(List.of(), leftovers());

    Cancellation cancel = new Cancellation();
    ProgressListener cancelAfterConfig =
        (stage, done, total) -> {
          if (done == 2) {
            cancel.cancel();
          }
        };
    assertThrows(
        CancellationException.class,
        () -> VariantWriter.write(src, plan, null, null, out, cancelAfterConfig, cancel));
    assertFalse(Files.exists(out));
    assertEquals(List.of(), leftovers());

    // an existing variant is never overwritten
    VariantWriter.write(src, plan, null, null, out, ProgressListener.NONE, Cancellation.none());
    assertThrows(
        IllegalStateException.class,
        () ->
            VariantWriter.write(
                src, plan, null, null, out, ProgressListener.NONE, Cancellation.none()));
    assertEquals(4, LlamaConfig.read(out).numHiddenLayers());
  }

  private List<Path> leftovers() throws Exception {
    try (Stream<Path> s = Files.list(tmp)) {
      return s.toList();
    }
  }

  private static float[][] logits(Decoder d) {
    try (SequenceState s = d.newSequence(PROMPT.length)) {
      return d.prefill(s, PROMPT, true);
    }
  }

  private static int[] greedy(Decoder d, int steps) {
    int[] out = new int[steps];
    try (SequenceState s = d.newSequence(PROMPT.length + steps)) {
      float[] l = d.prefill(s, PROMPT, false)[0];
      for (int i = 0; i < steps; i++) {
        out[i] = argmax(l);
        l = d.decode(List.of(s), new int[] {out[i]})[0];
      }
    }
    return out;
  }

  private static int argmax(float[] v) {
    int b = 0;
    for (int i = 1; i < v.length; i++) {
      if (v[i] > v[b]) {
        b = i;
      }
    }
    return b;
  }
}
