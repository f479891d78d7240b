package dev.shallows.pruning.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * AdamW (Loshchilov and Hutter) over DJL arrays, with PyTorch's update rule: decoupled weight decay
 * {@code p -= lr * wd * p}, then {@code p -= lr * m_hat / (sqrt(v_hat) + eps)} with bias-corrected
 * moments. Weight decay applies to matrices only (rank >= 2), not to norms and biases. The moments
 * live in this optimizer's own sub-manager and can be saved and restored for resume. Updates go
 * through detached views of the parameters, so autograd never sees them.
 */
public final class AdamW implements AutoCloseable {

  /** Hyperparameters; the defaults are PyTorch's except weight decay 0.0 (set it explicitly). */
  public record Hyper(double beta1, double beta2, double eps, double weightDecay) {
    public static Hyper defaults(double weightDecay) {
      return new Hyper(0.9, 0.999, 1e-8, weightDecay);
    }
  }

  private final Hyper h;
  private final NDManager manager;
  private final Map<String, NDArray> params;
  private final Map<String, NDArray> m = new LinkedHashMap<>();
  private final Map<String, NDArray> v = new LinkedHashMap<>();
  private int t;

  /** An optimizer for {@code params} (kept by reference and updated in place). */
  public AdamW(NDManager parent, Map<String, NDArray> params, Hyper h) {
    this.h = h;
    this.manager = parent.newSubManager();
    this.params = new LinkedHashMap<>(params);
    for (Map.Entry<String, NDArray> e : params.entrySet()) {
      m.put(e.getKey(), manager.zeros(e.getValue().getShape(), e.getValue().getDataType()));
      v.put(e.getKey(), manager.zeros(e.getValue().getShape(), e.getValue().getDataType()));
    }
  }

  /** Updates completed so far (the bias-correction exponent of the next update minus one). */
  public int updates() {
    return t;
  }

  /**
   * One update with learning rate {@code lr}; {@code grads} maps each parameter name to its
   * gradient (arrays owned by the caller's step manager). Temporaries are created in {@code step}.
   */
  public void step(Map<String, NDArray> grads, double lr, NDManager step) {
    t++;
    double bc1 = 1 - Math.pow(h.beta1(), t);
    double bc2 = 1 - Math.pow(h.beta2(), t);
    for (Map.Entry<String, NDArray> e : params.entrySet()) {
      String name = e.getKey();
      NDArray p = e.getValue();
      NDArray g = grads.get(name);
      if (g == null) {
        throw new IllegalArgumentException("no gradient for " + name);
      }
      NDArray data = tmp(e.getValue().stopGradient(), step); // same storage, outside autograd
      if (h.weightDecay() > 0 && p.getShape().dimension() >= 2) {
        data.muli(1 - lr * h.weightDecay());
      }
      NDArray mi = m.get(name);
      NDArray vi = v.get(name);
      mi.muli(h.beta1()).addi(tmp(g.mul(1 - h.beta1()), step));
      vi.muli(h.beta2()).addi(tmp(g.square().muli(1 - h.beta2()), step));
      NDArray denom = tmp(vi.sqrt(), step).divi(Math.sqrt(bc2)).addi(h.eps()); // sqrt(v_hat) + eps
      NDArray update = tmp(mi.div(denom), step).muli(lr / bc1);
      data.subi(update);
    }
  }

  /** The moments by name ({@code exp_avg.NAME}, {@code exp_avg_sq.NAME}) for a checkpoint. */
  public Map<String, NDArray> state() {
    Map<String, NDArray> s = new LinkedHashMap<>();
    m.forEach((k, a) -> s.put("exp_avg." + k, a));
    v.forEach((k, a) -> s.put("exp_avg_sq." + k, a));
    return s;
  }

  /** Restores moments saved by {@link #state()} after {@code updates} steps. */
  public void load(Map<String, float[]> state, int updates) {
    for (Map.Entry<String, NDArray> e : state().entrySet()) {
      float[] values = state.get(e.getKey());
      if (values == null) {
        throw new IllegalArgumentException("optimizer state lacks " + e.getKey());
      }
      Tensors.assign(e.getValue(), values);
    }
    this.t = updates;
  }

  private static NDArray tmp(NDArray a, NDManager step) {
    a.attach(step);
    return a;
  }

  @Override
  public void close() {
    manager.close();
  }
}
