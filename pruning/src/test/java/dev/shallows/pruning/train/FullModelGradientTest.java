package dev.shallows.pruning.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import dev.shallows.engine.djl.ComputeSettings;
import dev.shallows.engine.djl.DjlEnvironment;
import dev.shallows.engine.djl.DjlLlama;
import dev.shallows.engine.djl.LinearSeam;
import dev.shallows.store.LlamaConfig;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every weight of a trainable Llama gets the gradient the loss really has: autograd's value is
 * compared with a central finite difference of the loss (computed by forward passes only) at
 * sampled entries of every parameter, tied and untied head. A parameter cut off from the graph, or
 * a forward op whose backward is wrong, fails here.
 */
class FullModelGradientTest {

  private static final int V = 24;
  private static final int B = 2;
  private static final int T = 7;

  @ParameterizedTest
  @ValueSource(booleans = {true, false})
  void autogradMatchesFiniteDifferences(boolean tied) {
    DjlEnvironment.init();
    LlamaConfig c = new ModelShape(2, 16, 24, 4, 2, 32, V, tied, -1, -1).config();
    DjlLlama model = DjlLlama.trainable(RandomInit.weights(c, 7), ComputeSettings.cpu());
    try (NDManager m = NDManager.newBaseManager()) {
      Random rnd = new Random(3);
      long[] in = new long[B * T];
      long[] out = new long[B * T];
      for (int i = 0; i < in.length; i++) {
        in[i] = rnd.nextInt(V);
        out[i] = rnd.nextInt(V);
      }
      NDArray ids = m.create(in, new Shape(B, T)); // (B, T)
      NDArray targets = m.create(out, new Shape(B, T, 1)); // (B, T, 1)
      Map<String, NDArray> params = model.parameters();
      scaleUp(params); // N(0, 0.02) gives gradients too small for an F32 finite difference
      try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
        gc.backward(loss(model, ids, targets));
      }
      int checked = 0;
      for (Map.Entry<String, NDArray> e : params.entrySet()) {
        NDArray p = e.getValue();
        float[] grad = p.getGradient().toFloatArray();
        assertTrue(maxAbs(grad) > 0, e.getKey() + " gets no gradient at all");
        for (int k = 0; k < 3; k++) {
          int at =
              argMaxAfterSkipping(grad, k); // large entries: the difference is well above noise
          double numeric = finiteDifference(model, ids, targets, p, at);
          assertEquals(
              numeric,
              grad[at],
              0.03 * Math.abs(numeric) + 2e-4,
              e.getKey() + "[" + at + "]: autograd vs finite difference");
          checked++;
        }
      }
      assertEquals(3 * params.size(), checked);
    }
  }

  /** Summed next-token NLL, a scalar: the training loss up to the 1/(B*T) factor. */
  private static NDArray loss(DjlLlama model, NDArray ids, NDArray targets) {
    NDArray logits = model.forward(ids, LinearSeam.PLAIN); // (B, T, V)
    return logits.logSoftmax(-1).gather(targets, -1).sum().neg();
  }

  private static double finiteDifference(
      DjlLlama model, NDArray ids, NDArray targets, NDArray p, int at) {
    double h = 1e-2;
    float[] v = p.toFloatArray();
    float orig = v[at];
    v[at] = (float) (orig + h);
    Tensors.assign(p, v);
    double up = loss(model, ids, targets).getFloat();
    v[at] = (float) (orig - h);
    Tensors.assign(p, v);
    double down = loss(model, ids, targets).getFloat();
    v[at] = orig;
    Tensors.assign(p, v);
    return (up - down) / (2 * h);
  }

  private static void scaleUp(Map<String, NDArray> params) {
    Random r = new Random(11);
    for (NDArray p : params.values()) {
      float[] v = p.toFloatArray();
      boolean norm = p.getShape().dimension() == 1;
      for (int i = 0; i < v.length; i++) {
        v[i] = norm ? (float) (1 + 0.3 * r.nextGaussian()) : (float) (0.4 * r.nextGaussian());
      }
      Tensors.assign(p, v);
    }
  }

  /** Index of the (k+1)-th largest |g| (k = 0, 1, 2). */
  private static int argMaxAfterSkipping(float[] g, int k) {
    Integer[] idx = new Integer[g.length];
    for (int i = 0; i < g.length; i++) {
      idx[i] = i;
    }
    java.util.Arrays.sort(idx, (a, b) -> Float.compare(Math.abs(g[b]), Math.abs(g[a])));
    return idx[k];
  }

  private static float maxAbs(float[] a) {
    float m = 0;
    for (float x : a) {
      m = Math.max(m, Math.abs(x));
    }
    return m;
  }
}
