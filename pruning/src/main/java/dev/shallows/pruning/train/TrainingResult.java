package dev.shallows.pruning.train;

import java.util.List;

/**
 * The outcome of {@link Trainer#train}: the loss of every step done (including steps done before a
 * resume), whether the run stopped early on cancellation, and the wall time of this invocation.
 */
public record TrainingResult(
    int stepsDone, List<Double> losses, boolean cancelled, double seconds, long tokensSeen) {

  public TrainingResult {
    losses = List.copyOf(losses);
  }

  /** Mean loss of the first {@code k} steps (or fewer if fewer were done). */
  public double meanFirst(int k) {
    return losses.subList(0, Math.min(k, losses.size())).stream()
        .mapToDouble(d -> d)
        .average()
        .orElse(Double.NaN);
  }

  /** Mean loss of the last {@code k} steps. */
  public double meanLast(int k) {
    int n = losses.size();
    return losses.subList(Math.max(0, n - k), n).stream()
        .mapToDouble(d -> d)
        .average()
        .orElse(Double.NaN);
  }
}
