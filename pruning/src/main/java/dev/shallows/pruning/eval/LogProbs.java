package dev.shallows.pruning.eval;

/** Log-softmax lookups on a logits row, in double precision. */
final class LogProbs {

  private LogProbs() {}

  /** log softmax(logits)[token]. */
  static double of(float[] logits, int token) {
    double max = Double.NEGATIVE_INFINITY;
    for (float v : logits) {
      max = Math.max(max, v);
    }
    double sum = 0;
    for (float v : logits) {
      sum += Math.exp(v - max);
    }
    return logits[token] - max - Math.log(sum);
  }
}
