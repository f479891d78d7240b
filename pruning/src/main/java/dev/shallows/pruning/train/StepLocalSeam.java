package dev.shallows.pruning.train;

import ai.djl.ndarray.NDArray;
import dev.shallows.engine.djl.LinearSeam;

/**
 * {@code y = x W^T + b} with the transposed weight view attached to the activation's (per-step)
 * manager. {@link LinearSeam#PLAIN} leaves {@code W.transpose()} in the weight's long-lived
 * manager, which a training loop would accumulate step after step.
 */
public final class StepLocalSeam implements LinearSeam {

  public static final StepLocalSeam INSTANCE = new StepLocalSeam();

  private StepLocalSeam() {}

  @Override
  public NDArray apply(String name, NDArray x, NDArray weight, NDArray biasOrNull) {
    NDArray wt = weight.transpose(); // (in, out) view
    wt.attach(x.getManager());
    NDArray y = x.matMul(wt); // (..., out)
    return biasOrNull == null ? y : y.add(biasOrNull);
  }
}
