package dev.shallows.engine.djl;

import ai.djl.ndarray.NDArray;

/**
 * The one seam every linear layer of {@link DjlLlama} goes through: {@code y = x W^T + b}. The
 * default is a plain matmul; healing plugs LoRA/QLoRA in here (keyed by the HF weight name), and
 * anything else that wants to observe or replace a projection does the same.
 *
 * <p>Names are the HF names of the model <em>view</em> ({@code
 * model.layers.N.self_attn.q_proj.weight} with N the layer's position in the view, i.e. the name it
 * gets when the view is saved), and {@code lm_head.weight} for the output head even when it is tied
 * to the embedding.
 */
@FunctionalInterface
public interface LinearSeam {

  /** Plain {@code x W^T (+ b)} through DJL {@code matMul}. */
  LinearSeam PLAIN = LinearSeam::plain;

  /**
   * Applies the linear layer {@code hfWeightName}.
   *
   * @param x (..., in)
   * @param weight (out, in), HF layout
   * @param biasOrNull (out) or null
   * @return (..., out)
   */
  NDArray apply(String hfWeightName, NDArray x, NDArray weight, NDArray biasOrNull);

  /** {@code x W^T (+ b)}: the reference implementation, reusable by wrapping seams. */
  static NDArray plain(String hfWeightName, NDArray x, NDArray weight, NDArray biasOrNull) {
    NDArray wt = weight.transpose(); // (in, out) view, created in the weight's manager,
    wt.attach(x.getManager()); // so hand it to the caller's (per-step) manager
    NDArray y = x.matMul(wt); // (..., out)
    return biasOrNull == null ? y : y.add(biasOrNull);
  }
}
