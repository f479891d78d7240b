package dev.shallows.pruning.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shallows.engine.Decoder;
import dev.shallows.engine.LlamaWeights;
import dev.shallows.engine.cpu.CpuDecoder;
import dev.shallows.engine.cpu.kernels.QuantizedVariant;
import dev.shallows.engine.cpu.kernels.WeightFormat;
import dev.shallows.pruning.Cancellation;
import dev.shallows.pruning.ProgressListener;
import dev.shallows.pruning.data.TextDocuments;
import dev.shallows.pruning.fixtures.Stories260K;
import dev.shallows.store.Checkpoint;
import dev.shallows.store.SharedData;
import dev.shallows.store.TextTokenizer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The quality cost of narrow weights: normalized loss of stories260K on held-out text (the first C4
 * validation documents) with the CPU decoder's weights in F32, BF16, int8 and NF4; and the stored
 * variants written by {@code shallows quantize} load back into the same numbers.
 */
class NarrowWeightsLossTest {

  private static final int DOCS = 12;
  private static final int WINDOW = 256;

  @Test
  void narrowFormatsCostLittleLossAndStoredVariantsMatch() throws Exception {
    Path src = Stories260K.dir();
    TextTokenizer tok = TextTokenizer.load(src);
    List<String> docs =
        TextDocuments.read(SharedData.resolve("eval/c4/c4_validation_2k.jsonl"), DOCS);
    Map<WeightFormat, Double> loss = new EnumMap<>(WeightFormat.class);
    try (Checkpoint ck = Checkpoint.open(src)) {
      LlamaWeights w = LlamaWeights.load(ck);
      for (WeightFormat f : WeightFormat.values()) {
        try (CpuDecoder d = new CpuDecoder(w, f)) {
          loss.put(f, loss(d, tok, docs));
        }
      }
    }
    double base = loss.get(WeightFormat.F32);
    double[] allowed = {0, 0.002, 0.01, 0.05}; // |Δ normalized loss| per format, stated up front
    for (WeightFormat f : WeightFormat.values()) {
      double delta = loss.get(f) - base;
      System.out.printf(
          "stories260K on %d C4 docs: %s normalized loss %.5f (delta vs F32 %+.5f)%n",
          DOCS, f, loss.get(f), delta);
      assertTrue(Math.abs(delta) <= allowed[f.ordinal()], f + " changed the loss by " + delta);
    }
    Path tmp = Files.createTempDirectory("quantized-");
    for (WeightFormat f : List.of(WeightFormat.BF16, WeightFormat.INT8, WeightFormat.NF4)) {
      Path out = tmp.resolve(f.id());
      QuantizedVariant.write(src, f, out, false);
      try (Checkpoint ck = Checkpoint.open(out);
          CpuDecoder d = new CpuDecoder(LlamaWeights.load(ck))) {
        assertEquals(f, d.weightFormat(), "the stored quantization block picks the format");
        // int8 / NF4 variants reload the very same codes; the BF16 variant also rounds the
        // embedding and norms (kept F32 in memory), so it may differ slightly
        double tolerance = f == WeightFormat.BF16 ? 1e-3 : 1e-5;
        assertEquals(loss.get(f), loss(d, tok, docs), tolerance, f + " variant reloaded");
      }
    }
  }

  private static double loss(Decoder d, TextTokenizer tok, List<String> docs) {
    return new LossEval(d, text -> tok.encode(text, true), WINDOW)
        .run("c4", docs, ProgressListener.NONE, Cancellation.none())
        .normalizedLoss();
  }
}
