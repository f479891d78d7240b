package dev.shallows.pruning.analysis;

import dev.shallows.engine.Decoder;
import dev.shallows.pruning.Cancellation;
import dev.shallows.pruning.ProgressListener;
import dev.shallows.pruning.data.CalibrationSet;

/**
 * The analysis pass of Gromov et al.: every calibration sequence goes once through the model, and
 * the residual stream x(0)..x(L) at its last token feeds a {@link DistanceAccumulator}. All (n, ℓ)
 * pairs come from this one pass.
 */
public final class LayerAnalysis {

  private LayerAnalysis() {}

  /** Runs the pass; progress stage "analyze", one unit per sequence. */
  public static DistanceTable run(
      Decoder decoder, CalibrationSet data, ProgressListener progress, Cancellation cancel) {
    DistanceAccumulator acc = new DistanceAccumulator(decoder.layers());
    int total = data.sequences().size();
    progress.progress("analyze", 0, total);
    int maxLen = decoder.config().maxPositionEmbeddings();
    for (int[] seq : data.sequences()) {
      cancel.check();
      if (seq.length > maxLen) {
        throw new IllegalArgumentException(
            "calibration sequence of " + seq.length + " tokens exceeds the context " + maxLen);
      }
      acc.add(decoder.residuals(seq)); // (L+1, D)
      progress.progress("analyze", acc.samples(), total);
    }
    return acc.table();
  }
}
