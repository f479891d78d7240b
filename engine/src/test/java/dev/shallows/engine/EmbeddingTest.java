package dev.shallows.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.shallows.engine.RandomModels.Spec;
import dev.shallows.engine.cpu.CpuDecoder;
import dev.shallows.store.Checkpoint;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Last-token embeddings against the double-precision {@link ReferenceLlama#embedding}, for the full
 * model and a pruned view.
 */
class EmbeddingTest {

  @TempDir Path tmp;

  @Test
  void lastTokenEmbeddingMatchesTheReference() {
    Spec spec = RandomModels.small();
    Path dir = RandomModels.write(tmp.resolve("m"), spec);
    int[] tokens = RandomModels.tokens(9, spec.vocab(), 3);
    try (Checkpoint ck = Checkpoint.open(dir)) {
      LlamaWeights all = LlamaWeights.load(ck);
      for (int[] keep : new int[][] {null, {0, 2}}) {
        LlamaWeights view = keep == null ? all : all.keep(keep);
        ReferenceLlama ref = keep == null ? new ReferenceLlama(ck) : new ReferenceLlama(ck, keep);
        double[] expected = ref.embedding(tokens);
        try (CpuDecoder dec = new CpuDecoder(view)) {
          float[] got = Embedding.lastToken(dec, view, tokens);
          assertEquals(expected.length, got.length);
          double norm = 0;
          for (int i = 0; i < got.length; i++) {
            assertEquals(expected[i], got[i], 2e-5, "dimension " + i);
            norm += (double) got[i] * got[i];
          }
          assertEquals(1, norm, 1e-5);
        }
      }
    }
  }
}
