package dev.shallows.engine.cpu.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shallows.engine.LayerWeights;
import dev.shallows.engine.LlamaWeights;
import dev.shallows.engine.Matrix;
import dev.shallows.engine.RandomModels;
import dev.shallows.engine.SequenceState;
import dev.shallows.engine.cpu.CpuDecoder;
import dev.shallows.store.Checkpoint;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A variant written by {@code shallows quantize} loads into the CPU decoder without an F32 copy of
 * its linear weights (they are repacked row by row from the stored codes), and decodes as the same
 * format packed from the F32 source at load time.
 */
class StoredNarrowWeightsTest {

  @TempDir Path tmp;

  @ParameterizedTest
  @EnumSource(
      value = WeightFormat.class,
      names = {"BF16", "INT8", "NF4"})
  void storedVariantDecodesWithoutAnF32Copy(WeightFormat format) {
    Path src = RandomModels.write(tmp.resolve("src"), RandomModels.small());
    Path out = tmp.resolve(format.name());
    QuantizedVariant.write(src, format, out, false);
    int[] tokens = RandomModels.tokens(12, 64, 7);
    float[][] want;
    try (Checkpoint ck = Checkpoint.open(src);
        CpuDecoder d = new CpuDecoder(LlamaWeights.load(ck), format);
        SequenceState s = d.newSequence(16)) {
      want = d.prefill(s, tokens, true);
    }
    try (Checkpoint ck = Checkpoint.open(out)) {
      LlamaWeights w = LlamaWeights.load(ck);
      try (CpuDecoder d = new CpuDecoder(w);
          SequenceState s = d.newSequence(16)) {
        assertEquals(format, d.weightFormat(), "the stored quantization block picks the format");
        float[][] got = d.prefill(s, tokens, true);
        // int8 / NF4 repack the very codes packing from F32 makes; the BF16 variant also rounds
        // the embedding and norms (kept F32 when packing from the F32 source)
        double tolerance = format == WeightFormat.BF16 ? 2e-2 : 1e-4;
        for (int p = 0; p < want.length; p++) {
          for (int v = 0; v < want[p].length; v++) {
            assertEquals(want[p][v], got[p][v], tolerance, format + " logit " + p + "," + v);
          }
        }
        for (Matrix m : linear(w)) {
          assertFalse(m.materialized(), m.name() + " was decoded to F32");
        }
      }
      Matrix m = w.layers().get(1).down();
      float[] row = new float[m.cols()];
      m.row(5, row);
      FloatBuffer all = m.data(); // decodes the whole matrix now
      assertTrue(m.materialized());
      for (int c = 0; c < m.cols(); c++) {
        assertEquals(all.get(all.position() + 5 * m.cols() + c), row[c], 0f, "row 5 col " + c);
      }
    }
  }

  private static List<Matrix> linear(LlamaWeights w) {
    List<Matrix> all = new ArrayList<>();
    for (LayerWeights l : w.layers()) {
      all.addAll(List.of(l.wq(), l.wk(), l.wv(), l.wo(), l.gate(), l.up(), l.down()));
    }
    all.add(w.lmHead());
    return all;
  }
}
