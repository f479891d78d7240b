package dev.shallows.engine.generate;

/**
 * Constrained decoding for one generation: before each sample the tokens that cannot continue the
 * output are masked out, after it the constraint advances over the sampled token, and the
 * generation stops when the output is complete.
 */
public interface OutputConstraint {

  /**
   * Sets the logit of every token that cannot continue the output to -inf; returns how many remain.
   */
  int mask(float[] logits);

  /** Advances over a sampled token, which must be one {@link #mask} allowed. */
  void accept(int token);

  /** Whether the output is complete: nothing may follow. */
  boolean isComplete();
}
