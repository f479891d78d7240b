package dev.shallows.engine.djl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import dev.shallows.engine.LlamaWeights;
import dev.shallows.engine.RandomModels;
import dev.shallows.engine.ReferenceLlama;
import dev.shallows.store.Checkpoint;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * DjlLlama's full forward pass (the training path) against the double-precision {@link
 * ReferenceLlama}: logits, padded batches, gradients, the linear seam and checkpoint round trips.
 */
class DjlLlamaTest {

  /**
   * F32 compute vs double (measured worst ~3e-6): |diff| <= TOL * (1 + |reference|) on every logit.
   */
  static final double TOL = 2e-5;

  @TempDir Path tmp;

  static List<RandomModels.Spec> specs() {
    return RandomModels.variety();
  }

  @ParameterizedTest
  @MethodSource("specs")
  void forwardMatchesReference(RandomModels.Spec spec) {
    Path dir = RandomModels.write(tmp.resolve(spec.name()), spec);
    int[] tokens = RandomModels.tokens(12, spec.vocab(), 7); // 12 > 8: dynamic scaling is active
    try (Checkpoint ckpt = Checkpoint.open(dir);
        DjlLlama model = DjlLlama.frozen(LlamaWeights.load(ckpt), ComputeSettings.cpu());
        NDManager m = model.manager().newSubManager()) {
      double[][] ref = new ReferenceLlama(ckpt).logits(tokens);
      NDArray ids = m.create(tokens, new Shape(1, tokens.length));
      float[][] got = rows(model.forward(ids, LinearSeam.PLAIN), spec.vocab());
      assertClose(ref, got, TOL, spec.name());
    }
  }

  @Test
  void paddedBatchRowsMatchTheirOwnSequences() {
    RandomModels.Spec spec = RandomModels.variety().get(2); // GQA + QKV bias, BF16 weights
    Path dir = RandomModels.write(tmp.resolve("m"), spec);
    int[] a = RandomModels.tokens(10, spec.vocab(), 1);
    int[] b = RandomModels.tokens(6, spec.vocab(), 2);
    int[] ids = new int[20];
    float[] mask = new float[20];
    for (int i = 0; i < 10; i++) {
      ids[i] = a[i];
      mask[i] = 1;
      ids[10 + i] = i < 6 ? b[i] : 0; // right padding with token 0
      mask[10 + i] = i < 6 ? 1 : 0;
    }
    try (Checkpoint ckpt = Checkpoint.open(dir);
        DjlLlama model = DjlLlama.frozen(LlamaWeights.load(ckpt), ComputeSettings.cpu());
        NDManager m = model.manager().newSubManager()) {
      ReferenceLlama ref = new ReferenceLlama(ckpt);
      NDArray logits =
          model.forward(
              m.create(ids, new Shape(2, 10)), m.create(mask, new Shape(2, 10)), LinearSeam.PLAIN);
      float[][] got = rows(logits, spec.vocab()); // (20, V)
      assertClose(ref.logits(a), java.util.Arrays.copyOfRange(got, 0, 10), TOL, "row 0");
      assertClose(ref.logits(b), java.util.Arrays.copyOfRange(got, 10, 16), TOL, "row 1");
    }
  }

  /** d(sum(logits * R))/dW from DJL autograd vs central differences on the reference. */
  @Test
  void gradientsMatchFiniteDifferencesOfTheReference() {
    RandomModels.Spec spec = RandomModels.small();
    Path dir = RandomModels.write(tmp.resolve("g"), spec);
    int[] tokens = RandomModels.tokens(6, spec.vocab(), 3);
    int v = spec.vocab();
    double[] r = new double[tokens.length * v];
    Random rnd = new Random(9);
    for (int i = 0; i < r.length; i++) {
      r[i] = rnd.nextGaussian();
    }
    String[] names = {
      "model.embed_tokens.weight",
      "model.layers.0.self_attn.q_proj.weight",
      "model.layers.1.self_attn.v_proj.weight",
      "model.layers.2.mlp.down_proj.weight",
      "model.layers.0.input_layernorm.weight",
      "model.norm.weight",
      "lm_head.weight"
    };
    try (Checkpoint ckpt = Checkpoint.open(dir);
        DjlLlama model = DjlLlama.trainable(LlamaWeights.load(ckpt), ComputeSettings.cpu());
        NDManager m = model.manager().newSubManager()) {
      ReferenceLlama ref = new ReferenceLlama(ckpt);
      NDArray weights = m.create(toFloats(r), new Shape(1, tokens.length, v));
      try (GradientCollector gc = Engine.getEngine("PyTorch").newGradientCollector()) {
        NDArray logits =
            model.forward(m.create(tokens, new Shape(1, tokens.length)), LinearSeam.PLAIN);
        gc.backward(logits.mul(weights).sum());
      }
      for (String name : names) {
        float[] grad = model.parameters().get(name).getGradient().toFloatArray();
        double[] w = ref.weight(name);
        for (int idx : new int[] {0, w.length / 3, w.length - 1, tokens[0] * spec.hidden() + 5}) {
          if (idx >= w.length) {
            continue;
          }
          double keep = w[idx];
          double h = 1e-4;
          w[idx] = keep + h;
          double up = dot(ref.logits(tokens), r);
          w[idx] = keep - h;
          double down = dot(ref.logits(tokens), r);
          w[idx] = keep;
          double fd = (up - down) / (2 * h);
          assertEquals(fd, grad[idx], 2e-3 * (1 + Math.abs(fd)), name + "[" + idx + "]");
        }
      }
    }
  }

  @Test
  void trainableCopiesNeverWriteTheLoadedWeights() {
    Path dir = RandomModels.write(tmp.resolve("c"), RandomModels.small());
    try (Checkpoint ckpt = Checkpoint.open(dir)) {
      LlamaWeights w = LlamaWeights.load(ckpt);
      float before = w.layers().get(0).wq().get(0, 0);
      try (DjlLlama model = DjlLlama.trainable(w, ComputeSettings.cpu())) {
        NDArray q = model.parameters().get("model.layers.0.self_attn.q_proj.weight");
        assertTrue(q.hasGradient(), "trainable parameters require gradients");
        q.subi(1.0f);
        assertEquals(before - 1.0f, q.toFloatArray()[0], 1e-6);
      }
      assertEquals(before, w.layers().get(0).wq().get(0, 0));
    }
  }

  /**
   * Every linear goes through the seam; a seam that adds a delta equals the reference on W + delta.
   */
  @Test
  void everyLinearGoesThroughTheSeam() {
    RandomModels.Spec spec = RandomModels.variety().get(2); // QKV bias, untied
    Path dir = RandomModels.write(tmp.resolve("s"), spec);
    int[] tokens = RandomModels.tokens(5, spec.vocab(), 4);
    String target = "model.layers.1.mlp.up_proj.weight";
    try (Checkpoint ckpt = Checkpoint.open(dir);
        DjlLlama model = DjlLlama.frozen(LlamaWeights.load(ckpt), ComputeSettings.cpu());
        NDManager m = model.manager().newSubManager()) {
      List<String> seen = new ArrayList<>();
      LinearSeam seam =
          (name, x, w, b) -> {
            seen.add(name);
            NDArray y = LinearSeam.plain(name, x, w, b);
            return name.equals(target) ? y.add(x.sum(new int[] {-1}, true).mul(0.01)) : y;
          };
      float[][] got =
          rows(model.forward(m.create(tokens, new Shape(1, tokens.length)), seam), spec.vocab());
      assertEquals(7 * spec.layers() + 1, seen.size(), "7 linears per layer + lm_head: " + seen);
      assertEquals("lm_head.weight", seen.get(seen.size() - 1));
      ReferenceLlama ref = new ReferenceLlama(ckpt);
      double[] up = ref.weight(target);
      for (int i = 0; i < up.length; i++) {
        up[i] += 0.01; // x.sum() * 0.01 == (W + 0.01) x
      }
      assertClose(ref.logits(tokens), got, TOL, "seam delta");
    }
  }

  /**
   * The F16 compute setting (meant for GPUs) gives the same model within half precision; run here
   * on the CPU on a tiny model, where F16 is slow but correct.
   */
  @Test
  void float16ComputeMatchesReferenceWithinHalfPrecision() {
    RandomModels.Spec spec = RandomModels.small();
    int[] tokens = RandomModels.tokens(6, spec.vocab(), 6);
    ComputeSettings f16 =
        new ComputeSettings(ai.djl.Device.cpu(), ai.djl.ndarray.types.DataType.FLOAT16);
    try (Checkpoint ckpt = Checkpoint.open(RandomModels.write(tmp.resolve("h"), spec));
        DjlLlama model = DjlLlama.frozen(LlamaWeights.load(ckpt), f16);
        NDManager m = model.manager().newSubManager()) {
      NDArray logits = model.forward(m.create(tokens, new Shape(1, 6)), LinearSeam.PLAIN);
      assertEquals(ai.djl.ndarray.types.DataType.FLOAT16, logits.getDataType());
      float[][] got =
          rows(logits.toType(ai.djl.ndarray.types.DataType.FLOAT32, false), spec.vocab());
      assertClose(new ReferenceLlama(ckpt).logits(tokens), got, 2e-2, "float16 compute");
    }
  }

  /** Trained parameters written as a checkpoint and read back give the same logits, bit for bit. */
  @Test
  void checkpointRoundTripGivesSameLogits() {
    RandomModels.Spec spec = RandomModels.variety().get(1); // tied, F16 on disk
    Path dir = RandomModels.write(tmp.resolve("src"), spec);
    int[] tokens = RandomModels.tokens(7, spec.vocab(), 5);
    float[][] before;
    Path out = tmp.resolve("out");
    try (Checkpoint ckpt = Checkpoint.open(dir);
        DjlLlama model = DjlLlama.trainable(LlamaWeights.load(ckpt), ComputeSettings.cpu());
        NDManager m = model.manager().newSubManager()) {
      model.parameters().get("model.layers.0.mlp.gate_proj.weight").muli(1.5f); // "training"
      before =
          rows(model.forward(m.create(tokens, new Shape(1, 7)), LinearSeam.PLAIN), spec.vocab());
      DjlCheckpoints.write(model, out);
    }
    try (Checkpoint back = Checkpoint.open(out);
        DjlLlama model = DjlLlama.frozen(LlamaWeights.load(back), ComputeSettings.cpu());
        NDManager m = model.manager().newSubManager()) {
      assertTrue(back.config().tieWordEmbeddings() && !back.has("lm_head.weight"));
      float[][] after =
          rows(model.forward(m.create(tokens, new Shape(1, 7)), LinearSeam.PLAIN), spec.vocab());
      for (int i = 0; i < before.length; i++) {
        assertArrayEquals(before[i], after[i], 0f, "position " + i);
      }
    }
  }

  // ---------------------------------------------------------------- helpers (shared with decoder
  // tests)

  static float[][] rows(NDArray logits, int v) {
    float[] flat = logits.toFloatArray();
    float[][] out = new float[flat.length / v][v];
    for (int i = 0; i < out.length; i++) {
      System.arraycopy(flat, i * v, out[i], 0, v);
    }
    return out;
  }

  static void assertClose(double[][] ref, float[][] got, double tol, String what) {
    assertEquals(ref.length, got.length, what + ": positions");
    double worst = 0;
    for (int i = 0; i < ref.length; i++) {
      assertEquals(ref[i].length, got[i].length, what + ": width");
      for (int j = 0; j < ref[i].length; j++) {
        double err = Math.abs(ref[i][j] - got[i][j]) / (1 + Math.abs(ref[i][j]));
        worst = Math.max(worst, err);
        if (err > tol) {
          throw new AssertionError(
              what + ": [" + i + "][" + j + "] reference " + ref[i][j] + " got " + got[i][j]);
        }
      }
    }
    System.out.printf("%s: worst relative error %.2e (tolerance %.0e)%n", what, worst, tol);
  }

  private static double dot(double[][] logits, double[] r) {
    double s = 0;
    int v = logits[0].length;
    for (int i = 0; i < logits.length; i++) {
      for (int j = 0; j < v; j++) {
        s += logits[i][j] * r[i * v + j];
      }
    }
    return s;
  }

  private static float[] toFloats(double[] d) {
    float[] f = new float[d.length];
    for (int i = 0; i < d.length; i++) {
      f[i] = (float) d[i];
    }
    return f;
  }
}
