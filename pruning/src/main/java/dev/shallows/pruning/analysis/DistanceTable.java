package dev.shallows.pruning.analysis;

import java.util.Arrays;

/**
 * The result of one analysis pass: the mean angular distance d(x(ℓ), x(ℓ+n)) for every block size n
 * in 1..L-1 and start ℓ in 0..L-n, and ShortGPT's per-layer block influence 1 - cos(x(ℓ), x(ℓ+1)).
 * Positions ℓ are positions in the analysed model's layer list; {@link #layerIndices()} maps them
 * to the source model's ORIGINAL layer indices (identical for an unpruned model).
 *
 * @param layerIndices original index of each analysed layer, length L
 * @param samples number of calibration sequences averaged
 * @param distances distances[n-1][ℓ] for n in 1..L-1, ℓ in 0..L-n (row n-1 has L-n+1 entries)
 * @param blockInfluence mean 1 - cos(x(ℓ), x(ℓ+1)) for each layer ℓ in 0..L-1
 */
public record DistanceTable(
    int[] layerIndices, int samples, double[][] distances, double[] blockInfluence) {

  public DistanceTable {
    int l = layerIndices.length;
    if (distances.length != Math.max(0, l - 1) || blockInfluence.length != l) {
      throw new IllegalArgumentException("table shape does not match " + l + " layers");
    }
    for (int n = 1; n < l; n++) {
      if (distances[n - 1].length != l - n + 1) {
        throw new IllegalArgumentException("row n=" + n + " must have " + (l - n + 1) + " entries");
      }
    }
    layerIndices = layerIndices.clone();
  }

  /** Number of analysed layers L. */
  public int layers() {
    return layerIndices.length;
  }

  /** Mean angular distance between x(ℓ) and x(ℓ+n). */
  public double distance(int n, int start) {
    checkN(n);
    return distances[n - 1][start];
  }

  /** ℓ*(n): the start of the n-layer block with the smallest distance (first one on ties). */
  public int bestStart(int n) {
    checkN(n);
    double[] row = distances[n - 1];
    int best = 0;
    for (int s = 1; s < row.length; s++) {
      if (row[s] < row[best]) {
        best = s;
      }
    }
    return best;
  }

  /** The row for block size n, rescaled to [0, 1] (for display as in the paper's Figure 4). */
  public double[] rescaledRow(int n) {
    checkN(n);
    double[] row = distances[n - 1];
    double lo = Arrays.stream(row).min().orElse(0);
    double hi = Arrays.stream(row).max().orElse(0);
    double[] out = new double[row.length];
    for (int i = 0; i < row.length; i++) {
      out[i] = hi > lo ? (row[i] - lo) / (hi - lo) : 0.0;
    }
    return out;
  }

  private void checkN(int n) {
    if (n < 1 || n >= layers()) {
      throw new IllegalArgumentException(
          "block size n must be in 1.." + (layers() - 1) + ", got " + n);
    }
  }
}
