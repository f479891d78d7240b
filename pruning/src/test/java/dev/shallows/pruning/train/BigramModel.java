package dev.shallows.pruning.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.Map;
import java.util.Set;

/**
 * A trainable bigram model for trainer tests: logits = one-hot(ids) (B, T, V) · W (V, V), so row x
 * of W holds the logits after token x. Calls listed in {@code poisoned} return logits times +inf.
 */
final class BigramModel implements TrainableModel {
  final NDArray w; // (V, V)
  private final int vocab;
  private final Set<Integer> poisoned;
  private int calls;

  BigramModel(NDManager m, int vocab, Set<Integer> poisoned) {
    this.vocab = vocab;
    w = m.randomNormal(new Shape(vocab, vocab)).mul(0.1f);
    w.setRequiresGradient(true);
    this.poisoned = poisoned;
  }

  @Override
  public NDArray logits(NDArray inputIds, NDManager step) {
    NDArray logits = inputIds.oneHot(vocab).matMul(w); // (B, T, V)
    return poisoned.contains(calls++) ? logits.mul(Float.POSITIVE_INFINITY) : logits;
  }

  @Override
  public Map<String, NDArray> trainableParameters() {
    return Map.of("w", w);
  }
}
