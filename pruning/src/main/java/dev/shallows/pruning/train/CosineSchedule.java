package dev.shallows.pruning.train;

/**
 * Learning rate per optimizer step: linear warmup from {@code peak / warmup} to {@code peak} over
 * the first {@code warmup} steps, then a half cosine from {@code peak} down to {@code floor} at the
 * last step. Steps are 0-based update indices.
 *
 * @param peak the learning rate after warmup
 * @param floor the learning rate at the last step (often 0 or peak / 10)
 * @param warmup number of warmup steps (0 = none)
 * @param total total number of steps
 */
public record CosineSchedule(double peak, double floor, int warmup, int total) {

  public CosineSchedule {
    if (total <= 0 || warmup < 0 || warmup > total) {
      throw new IllegalArgumentException("need 0 <= warmup <= total and total > 0");
    }
    if (peak <= 0 || floor < 0 || floor > peak) {
      throw new IllegalArgumentException("need 0 <= floor <= peak and peak > 0");
    }
  }

  /** The learning rate of step {@code step} (0-based). */
  public double at(int step) {
    if (step < warmup) {
      return peak * (step + 1) / warmup;
    }
    int decaySteps = total - warmup;
    if (decaySteps <= 1) {
      return peak;
    }
    double progress = Math.min(1.0, (double) (step - warmup) / (decaySteps - 1));
    return floor + 0.5 * (peak - floor) * (1 + Math.cos(Math.PI * progress));
  }
}
