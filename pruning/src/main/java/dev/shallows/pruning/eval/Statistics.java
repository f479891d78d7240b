package dev.shallows.pruning.eval;

import org.apache.commons.math3.distribution.BinomialDistribution;
import org.apache.commons.math3.distribution.ChiSquaredDistribution;
import org.apache.commons.math3.distribution.NormalDistribution;

/**
 * The statistics an evaluation reports: Wilson score intervals for an accuracy, and for two
 * variants answering the same items the paired difference (with a Wald interval for paired
 * proportions) and McNemar's test (exact binomial and continuity-corrected chi-square).
 */
public final class Statistics {

  private Statistics() {}

  /** z for a two-sided 95% interval. */
  public static final double Z95 = new NormalDistribution().inverseCumulativeProbability(0.975);

  /**
   * Wilson score interval for {@code k} successes in {@code n} trials (no continuity correction).
   */
  public static Interval wilson(long k, long n, double z) {
    if (n <= 0) {
      return new Interval(0, 1);
    }
    double p = (double) k / n;
    double z2 = z * z;
    double centre = (p + z2 / (2.0 * n)) / (1 + z2 / n);
    double half = z / (1 + z2 / n) * Math.sqrt(p * (1 - p) / n + z2 / (4.0 * n * n));
    return new Interval(Math.max(0, centre - half), Math.min(1, centre + half));
  }

  /**
   * Exact two-sided McNemar p-value from the discordant counts: b = items only the first variant
   * got right, c = items only the second got right; 2·P(X ≤ min(b, c)) for X ~ Binomial(b+c, ½),
   * capped at 1.
   */
  public static double mcnemarExact(int b, int c) {
    int m = b + c;
    if (m == 0) {
      return 1.0;
    }
    double p = 2 * new BinomialDistribution(null, m, 0.5).cumulativeProbability(Math.min(b, c));
    return Math.min(1.0, p);
  }

  /** McNemar's chi-square statistic with Edwards' continuity correction, (|b-c|-1)²/(b+c). */
  public static double mcnemarChiSquare(int b, int c) {
    if (b + c == 0) {
      return 0.0;
    }
    double d = Math.max(0, Math.abs(b - c) - 1.0);
    return d * d / (b + c);
  }

  /** p-value of the continuity-corrected McNemar chi-square (1 degree of freedom). */
  public static double mcnemarCorrectedP(int b, int c) {
    if (b + c == 0) {
      return 1.0;
    }
    return 1 - new ChiSquaredDistribution(null, 1).cumulativeProbability(mcnemarChiSquare(b, c));
  }

  /**
   * Wald interval for the difference of two paired proportions, (c - b)/n, with standard error
   * sqrt(b + c - (c - b)²/n)/n (Agresti, Categorical Data Analysis, §10.1).
   */
  public static Interval pairedDifference(int b, int c, int n, double z) {
    if (n <= 0) {
      return new Interval(-1, 1);
    }
    double diff = (double) (c - b) / n;
    double se = Math.sqrt(Math.max(0, b + c - (double) (c - b) * (c - b) / n)) / n;
    return new Interval(Math.max(-1, diff - z * se), Math.min(1, diff + z * se));
  }
}
