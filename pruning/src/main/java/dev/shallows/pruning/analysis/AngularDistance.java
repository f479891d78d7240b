package dev.shallows.pruning.analysis;

/**
 * The angular distance of Gromov et al. (eq. 7): d(a, b) = arccos(cos(a, b)) / π, in [0, 1]; 0 for
 * parallel vectors, 1/2 for orthogonal ones. Computed in double precision.
 */
public final class AngularDistance {

  private AngularDistance() {}

  /** Cosine similarity of two equal-length vectors; 1 if either is all zeros (no direction). */
  public static double cosine(float[] a, float[] b) {
    if (a.length != b.length) {
      throw new IllegalArgumentException("lengths differ: " + a.length + " vs " + b.length);
    }
    double dot = 0;
    double na = 0;
    double nb = 0;
    for (int i = 0; i < a.length; i++) {
      dot += (double) a[i] * b[i];
      na += (double) a[i] * a[i];
      nb += (double) b[i] * b[i];
    }
    if (na == 0 || nb == 0) {
      return 1.0;
    }
    return Math.max(-1.0, Math.min(1.0, dot / Math.sqrt(na * nb)));
  }

  /** arccos(cos(a, b)) / π. */
  public static double angular(float[] a, float[] b) {
    return Math.acos(cosine(a, b)) / Math.PI;
  }
}
