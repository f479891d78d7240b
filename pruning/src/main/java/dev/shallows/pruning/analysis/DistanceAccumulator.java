package dev.shallows.pruning.analysis;

/**
 * Sums, over calibration samples, the angular distance between every pair of residual-stream states
 * x(ℓ), x(ℓ+n) and the per-layer block influence; {@link #table()} averages them. One sample is the
 * (L+1, D) matrix of states at a sequence's last token, as {@code Decoder.residuals} returns it.
 */
public final class DistanceAccumulator {

  private final int[] layerIndices;
  private final int layers;
  private final double[][] sums; // (L-1, L-n+1)
  private final double[] influence; // (L)
  private int samples;

  /** An accumulator for a model whose layers have these original indices. */
  public DistanceAccumulator(int[] layerIndices) {
    this.layerIndices = layerIndices.clone();
    this.layers = layerIndices.length;
    if (layers < 1) {
      throw new IllegalArgumentException("a model without layers cannot be analysed");
    }
    sums = new double[layers - 1][];
    for (int n = 1; n < layers; n++) {
      sums[n - 1] = new double[layers - n + 1];
    }
    influence = new double[layers];
  }

  /** Adds one sample: {@code states} is (L+1, D), row ℓ the input of layer ℓ, row L the output. */
  public void add(float[][] states) {
    if (states.length != layers + 1) {
      throw new IllegalArgumentException(
          "expected " + (layers + 1) + " residual states, got " + states.length);
    }
    for (int l = 0; l < layers; l++) {
      influence[l] += 1.0 - AngularDistance.cosine(states[l], states[l + 1]);
    }
    for (int n = 1; n < layers; n++) {
      for (int l = 0; l + n <= layers; l++) {
        sums[n - 1][l] += AngularDistance.angular(states[l], states[l + n]);
      }
    }
    samples++;
  }

  public int samples() {
    return samples;
  }

  /** The means so far; at least one sample is required. */
  public DistanceTable table() {
    if (samples == 0) {
      throw new IllegalStateException("no calibration samples were analysed");
    }
    double[][] mean = new double[sums.length][];
    for (int i = 0; i < sums.length; i++) {
      mean[i] = new double[sums[i].length];
      for (int j = 0; j < sums[i].length; j++) {
        mean[i][j] = sums[i][j] / samples;
      }
    }
    double[] bi = new double[layers];
    for (int l = 0; l < layers; l++) {
      bi[l] = influence[l] / samples;
    }
    return new DistanceTable(layerIndices, samples, mean, bi);
  }
}
