package dev.shallows.pruning.eval;

/** A two-sided confidence interval [low, high]. */
public record Interval(double low, double high) {

  /** This interval divided by a positive constant (e.g. ln V for normalized loss). */
  public Interval scaled(double divisor) {
    return new Interval(low / divisor, high / divisor);
  }
}
