package dev.shallows.pruning.analysis;

import java.util.Arrays;
import java.util.stream.IntStream;

/**
 * Which layers a pruned variant removes and keeps, unambiguously: positions in the analysed model's
 * layer list and the corresponding ORIGINAL 0-based layer indices of the source model.
 *
 * @param strategy how the layers were chosen
 * @param n number of layers removed
 * @param removedPositions positions removed (ascending)
 * @param keptPositions positions kept (ascending); pass to {@code LlamaWeights.keep}
 * @param removedOriginal original indices of the removed layers
 * @param keptOriginal original indices of the kept layers
 * @param blockDistance mean angular distance d(x(ℓ), x(ℓ+n)) across the removed block when it is
 *     contiguous and a distance table was available, else NaN
 */
public record PruningPlan(
    Strategy strategy,
    int n,
    int[] removedPositions,
    int[] keptPositions,
    int[] removedOriginal,
    int[] keptOriginal,
    double blockDistance) {

  /**
   * Plans the removal of {@code n} layers from a model whose layers have these original indices.
   */
  public static PruningPlan of(Strategy strategy, int[] layerIndices, int n, DistanceTable table) {
    int layers = layerIndices.length;
    int[] removed = strategy.positionsToRemove(layers, n, table);
    boolean[] gone = new boolean[layers];
    for (int p : removed) {
      gone[p] = true;
    }
    int[] kept = IntStream.range(0, layers).filter(p -> !gone[p]).toArray();
    double distance = Double.NaN;
    boolean contiguous = n > 0 && removed[n - 1] - removed[0] == n - 1;
    if (table != null && contiguous && n < layers) {
      distance = table.distance(n, removed[0]);
    }
    return new PruningPlan(
        strategy,
        n,
        removed,
        kept,
        Arrays.stream(removed).map(p -> layerIndices[p]).toArray(),
        Arrays.stream(kept).map(p -> layerIndices[p]).toArray(),
        distance);
  }

  /** Layers to remove for a fraction of the model (rounded to nearest, at most L-1). */
  public static int layersForFraction(double fraction, int layers) {
    if (!(fraction >= 0 && fraction < 1)) {
      throw new IllegalArgumentException("fraction must be in [0, 1), got " + fraction);
    }
    return Math.min(layers - 1, (int) Math.round(fraction * layers));
  }

  /**
   * A one-line human description, e.g. "angular n=2: remove original layers [2, 3], keep [0, 1,
   * 4]".
   */
  public String describe() {
    return strategy.cliName()
        + " n="
        + n
        + ": remove original layers "
        + Arrays.toString(removedOriginal)
        + " (0-based), keep "
        + Arrays.toString(keptOriginal);
  }
}
