package dev.shallows.pruning.analysis;

import dev.shallows.engine.Decoder;
import dev.shallows.engine.LlamaWeights;
import dev.shallows.pruning.Cancellation;
import dev.shallows.pruning.LoadedModel;
import dev.shallows.pruning.ProgressListener;
import dev.shallows.pruning.data.CalibrationSet;
import dev.shallows.pruning.eval.EvalSpec;
import dev.shallows.pruning.eval.Evaluation;
import dev.shallows.pruning.eval.LossResult;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

/**
 * Every block of n consecutive layers removed in turn (a zero-copy view each), with the block's
 * angular distance d(x(ℓ), x(ℓ+n)) on the calibration data and the normalized loss of the model
 * without it on held-out text: how close the paper's choice (the smallest distance) comes to the
 * best block by loss (PruneMe and the paper rank blocks by distance only).
 */
public final class BlockScan {

  /**
   * One candidate block.
   *
   * @param start its first position
   * @param removedOriginal the original indices of its layers
   * @param distance its mean angular distance (calibration data)
   * @param loss the normalized loss without it (held-out text)
   * @param lossRank 1 for the lowest loss among the candidates
   */
  public record Row(
      int start, int[] removedOriginal, double distance, LossResult loss, int lossRank) {}

  /**
   * The scan's outcome.
   *
   * @param n layers per block
   * @param full the unpruned model's loss on the same text
   * @param rows one per start, 0..L-n
   * @param angularStart the block the angular strategy removes (the smallest distance)
   * @param bestStart the block whose removal costs the least loss
   */
  public record Result(int n, LossResult full, List<Row> rows, int angularStart, int bestStart) {

    /** The angular block's row. */
    public Row angular() {
      return rows.get(angularStart);
    }

    /** The block the {@code last} strategy removes: the n deepest layers but the final one. */
    public int lastStart() {
      return rows.size() - 2;
    }
  }

  private BlockScan() {}

  /** Scans every block of {@code n} layers; {@code lossSpec} is a {@code loss} evaluation. */
  public static Result run(
      LoadedModel model,
      CalibrationSet calibration,
      int n,
      EvalSpec lossSpec,
      ProgressListener progress,
      Cancellation cancel) {
    if (!lossSpec.task().equals("loss")) {
      throw new IllegalArgumentException(
          "a block scan ranks blocks by loss, not " + lossSpec.task());
    }
    LlamaWeights full = model.weights();
    int layers = full.layers().size();
    if (n < 1 || n >= layers) {
      throw new IllegalArgumentException("n must be in 1.." + (layers - 1) + ", got " + n);
    }
    DistanceTable table;
    try (Decoder d = model.decoder()) {
      table = LayerAnalysis.run(d, calibration, progress, cancel);
    }
    LossResult fullLoss = loss(model, full, lossSpec, progress, cancel);
    int[] original = full.originalLayerIndices();
    List<LossResult> losses = new ArrayList<>();
    for (int start = 0; start + n <= layers; start++) {
      cancel.check();
      int s = start;
      int[] kept = IntStream.range(0, layers).filter(p -> p < s || p >= s + n).toArray();
      losses.add(loss(model, full.keep(kept), lossSpec, progress, cancel));
    }
    List<Row> rows = new ArrayList<>();
    int best = 0;
    for (int start = 0; start < losses.size(); start++) {
      double mine = losses.get(start).normalizedLoss();
      int rank = 1;
      for (LossResult other : losses) {
        rank += other.normalizedLoss() < mine ? 1 : 0;
      }
      best = mine < losses.get(best).normalizedLoss() ? start : best;
      int[] removed = new int[n];
      for (int i = 0; i < n; i++) {
        removed[i] = original[start + i];
      }
      rows.add(new Row(start, removed, table.distance(n, start), losses.get(start), rank));
    }
    return new Result(n, fullLoss, rows, table.bestStart(n), best);
  }

  private static LossResult loss(
      LoadedModel model,
      LlamaWeights view,
      EvalSpec spec,
      ProgressListener progress,
      Cancellation cancel) {
    try (Decoder d = model.decoder(view)) {
      return (LossResult) Evaluation.run(d, model.encoder(), spec, progress, cancel);
    }
  }
}
