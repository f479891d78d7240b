package dev.shallows.engine.generate;

import java.util.BitSet;

/**
 * Constrained decoding for one generation: before each sample the tokens that cannot continue the
 * output are masked out, after it the constraint advances over the sampled token, and the
 * generation stops when the output is complete.
 */
public interface OutputConstraint {

  /** The tokens that can continue the output now (a shared set: the caller must not modify it). */
  BitSet allowed();

  /**
   * Sets the logit of every token that cannot continue the output to -inf; returns how many remain.
   */
  default int mask(float[] logits) {
    BitSet ok = allowed();
    for (int t = ok.nextClearBit(0); t < logits.length; t = ok.nextClearBit(t + 1)) {
      logits[t] = Float.NEGATIVE_INFINITY;
    }
    return ok.cardinality();
  }

  /** Advances over a sampled token, which must be one {@link #allowed} holds. */
  void accept(int token);

  /** Whether the output is complete: nothing may follow. */
  boolean isComplete();
}
