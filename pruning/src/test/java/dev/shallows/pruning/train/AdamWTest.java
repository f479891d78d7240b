package dev.shallows.pruning.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** AdamW updates against the PyTorch formula computed by hand in double precision. */
class AdamWTest {

  @Test
  void twoStepsMatchAHandComputationWithDecoupledDecayOnMatricesOnly() {
    double lr = 0.1;
    double wd = 0.1;
    double b1 = 0.9;
    double b2 = 0.999;
    double eps = 1e-8;
    try (NDManager m = NDManager.newBaseManager()) {
      NDArray w = m.create(new float[] {1f, -2f}, new Shape(1, 2)); // a matrix: decayed
      NDArray bias = m.create(new float[] {0.5f}); // a vector: not decayed
      Map<String, NDArray> params = new LinkedHashMap<>();
      params.put("w", w);
      params.put("b", bias);
      double[][] g = {{0.5, -0.25, 2.0}, {0.1, 0.3, -1.0}}; // step x (w0, w1, b)
      try (AdamW opt = new AdamW(m, params, new AdamW.Hyper(b1, b2, eps, wd))) {
        for (double[] gs : g) {
          try (NDManager step = m.newSubManager()) {
            Map<String, NDArray> grads = new LinkedHashMap<>();
            grads.put(
                "w", step.create(new float[] {(float) gs[0], (float) gs[1]}, new Shape(1, 2)));
            grads.put("b", step.create(new float[] {(float) gs[2]}));
            opt.step(grads, lr, step);
          }
        }
        assertEquals(2, opt.updates());
      }
      // by hand: step 1, m_hat = g, v_hat = g^2 -> update = lr * sign(g)
      // w0: 1 * 0.99 - 0.1 = 0.89 ; w1: -2 * 0.99 + 0.1 = -1.88 ; b: 0.5 - 0.1 = 0.4
      double[] p = {0.89, -1.88, 0.4};
      // step 2 in double with the moments of step 1
      for (int i = 0; i < 3; i++) {
        double m1 = (1 - b1) * g[0][i];
        double v1 = (1 - b2) * g[0][i] * g[0][i];
        double m2 = b1 * m1 + (1 - b1) * g[1][i];
        double v2 = b2 * v1 + (1 - b2) * g[1][i] * g[1][i];
        double mh = m2 / (1 - b1 * b1);
        double vh = v2 / (1 - b2 * b2);
        if (i < 2) {
          p[i] *= 1 - lr * wd;
        }
        p[i] -= lr * mh / (Math.sqrt(vh) + eps);
      }
      assertArrayEquals(new float[] {(float) p[0], (float) p[1]}, w.toFloatArray(), 1e-6f);
      assertArrayEquals(new float[] {(float) p[2]}, bias.toFloatArray(), 1e-6f);
    }
  }
}
