package dev.shallows.pruning.sweep;

import dev.shallows.engine.Decoder;
import dev.shallows.engine.LlamaWeights;
import dev.shallows.pruning.Cancellation;
import dev.shallows.pruning.LoadedModel;
import dev.shallows.pruning.ProgressListener;
import dev.shallows.pruning.analysis.DistanceTable;
import dev.shallows.pruning.analysis.LayerAnalysis;
import dev.shallows.pruning.analysis.PruningPlan;
import dev.shallows.pruning.analysis.Strategy;
import dev.shallows.pruning.data.CalibrationSet;
import dev.shallows.pruning.eval.EvalResult;
import dev.shallows.pruning.eval.EvalSpec;
import dev.shallows.pruning.eval.Evaluation;
import dev.shallows.pruning.surgery.VariantWriter;
import dev.shallows.store.AtomicDirectory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The paper's experiment: for each strategy and each n, prune (a zero-copy view), optionally heal,
 * and evaluate every task, producing one {@link SweepRow} per point. One analysis pass serves all
 * n. n = 0 (the unpruned model) is evaluated once and reported under every strategy.
 */
public final class Sweep {

  /**
   * What to sweep.
   *
   * @param strategies strategies to compare
   * @param ns layer counts to remove, each in 0..L-1
   * @param evals evaluations run at every point (task names must be distinct)
   * @param healer heals each pruned variant (n > 0) in addition to evaluating it unhealed; or null
   * @param workDir where variants to heal are written (needed with a healer)
   */
  public record Plan(
      List<Strategy> strategies,
      List<Integer> ns,
      List<EvalSpec> evals,
      VariantHealer healer,
      Path workDir) {

    public Plan {
      strategies = List.copyOf(strategies);
      ns = List.copyOf(ns);
      evals = List.copyOf(evals);
      if (healer != null && workDir == null) {
        throw new IllegalArgumentException("healing in a sweep needs a work directory");
      }
    }
  }

  private Sweep() {}

  /** Runs the sweep on {@code model}; {@code calibration} may be null if no strategy needs data. */
  public static List<SweepRow> run(
      LoadedModel model,
      CalibrationSet calibration,
      Plan plan,
      ProgressListener progress,
      Cancellation cancel) {
    LlamaWeights full = model.weights();
    int layers = full.layers().size();
    for (int n : plan.ns()) {
      if (n < 0 || n >= layers) {
        throw new IllegalArgumentException("n=" + n + " is outside 0.." + (layers - 1));
      }
    }
    DistanceTable table = null;
    if (plan.strategies().stream().anyMatch(Strategy::needsData)) {
      if (calibration == null) {
        throw new IllegalArgumentException("the angular and block-influence strategies need data");
      }
      try (Decoder d = model.decoder()) {
        table = LayerAnalysis.run(d, calibration, progress, cancel);
      }
    }
    List<SweepRow> rows = new ArrayList<>();
    Map<String, EvalResult> baseline = null;
    int[] original = full.originalLayerIndices();
    for (Strategy st : plan.strategies()) {
      for (int n : plan.ns()) {
        cancel.check();
        PruningPlan p = PruningPlan.of(st, original, n, table);
        List<Integer> removed = Arrays.stream(p.removedOriginal()).boxed().toList();
        Map<String, EvalResult> results;
        if (n == 0 && baseline != null) {
          results = baseline;
        } else {
          results = evaluate(model, full.keep(p.keptPositions()), plan.evals(), progress, cancel);
          if (n == 0) {
            baseline = results;
          }
        }
        rows.add(new SweepRow(st.cliName(), n, layers, removed, false, results));
        if (plan.healer() != null && n > 0) {
          Map<String, EvalResult> healed =
              healAndEvaluate(model, p, table, calibration, plan, progress, cancel);
          rows.add(new SweepRow(st.cliName(), n, layers, removed, true, healed));
        }
      }
    }
    return rows;
  }

  private static Map<String, EvalResult> evaluate(
      LoadedModel model,
      LlamaWeights view,
      List<EvalSpec> evals,
      ProgressListener progress,
      Cancellation cancel) {
    Map<String, EvalResult> out = new LinkedHashMap<>();
    try (Decoder d = model.decoder(view)) {
      for (EvalSpec e : evals) {
        out.put(e.task(), Evaluation.run(d, model.encoder(), e, progress, cancel));
      }
    }
    return out;
  }

  /** Writes the pruned variant, heals it into a sibling directory, evaluates the healed one. */
  private static Map<String, EvalResult> healAndEvaluate(
      LoadedModel model,
      PruningPlan p,
      DistanceTable table,
      CalibrationSet calibration,
      Plan plan,
      ProgressListener progress,
      Cancellation cancel) {
    String name = p.strategy().cliName() + "-n" + p.n();
    Path pruned = plan.workDir().resolve(name);
    Path healed = plan.workDir().resolve(name + "-healed");
    try {
      if (!Files.exists(pruned)) {
        VariantWriter.write(
            model.directory(),
            p,
            table,
            calibration == null ? null : calibration.description(),
            pruned,
            progress,
            cancel);
      }
      if (!Files.exists(healed)) {
        plan.healer().heal(pruned, healed, progress, cancel);
      }
      try (LoadedModel h = LoadedModel.open(healed)) {
        return evaluate(h, h.weights(), plan.evals(), progress, cancel);
      }
    } finally {
      try {
        AtomicDirectory.deleteTree(pruned);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }
}
