package dev.shallows.pruning.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.Map;

/**
 * What {@link Trainer} trains: a causal LM forward pass and the parameters to update. Healing wraps
 * a frozen model with LoRA adapters (only the adapters are trainable); pretraining exposes every
 * weight of a trainable model.
 */
public interface TrainableModel {

  /**
   * Next-token logits for input ids (B, T) int64 created in {@code step}; returns (B, T, V). Every
   * temporary must end up in {@code step} (or be closed), never in a long-lived manager.
   */
  NDArray logits(NDArray inputIds, NDManager step);

  /** The trainable parameters by stable name; arrays that require gradients, updated in place. */
  Map<String, NDArray> trainableParameters();

  /** Switches training-only behaviour (dropout) on or off. */
  default void setTraining(boolean training) {}
}
