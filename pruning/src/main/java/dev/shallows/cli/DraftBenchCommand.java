package dev.shallows.cli;

import dev.shallows.engine.Decoder;
import dev.shallows.pruning.Cancellation;
import dev.shallows.pruning.LoadedModel;
import dev.shallows.pruning.ProgressListener;
import dev.shallows.pruning.analysis.DistanceTable;
import dev.shallows.pruning.analysis.LayerAnalysis;
import dev.shallows.pruning.analysis.PruningPlan;
import dev.shallows.pruning.analysis.Strategy;
import dev.shallows.pruning.data.CalibrationSet;
import dev.shallows.pruning.speculate.DraftAcceptance;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code shallows draft-bench}: would a pruned variant pay as the speculative-decoding draft of its
 * full model? Prints, per number of layers dropped, the draft's agreement with the full model's
 * greedy tokens, the tokens a cycle yields and the estimated speed against plain decoding, from
 * times measured in the same run.
 */
@Command(
    name = "draft-bench",
    mixinStandardHelpOptions = true,
    description = {
      "Measures pruned variants as speculative-decoding drafts of the full model (greedy): the"
          + " full model continues the first calibration sequences' starts; each variant, fed the"
          + " same tokens, predicts the next one. Reports agreement, tokens per draft-and-verify"
          + " cycle for k = 1..--max-draft drafted tokens, and the estimated speed against plain"
          + " decoding: tokens per cycle x full step / (k x draft step + verify pass of k+1"
          + " tokens), all times measured in this run (the fastest of 5 runs each)."
    })
public final class DraftBenchCommand implements Callable<Integer> {

  @Spec CommandSpec spec;
  @Mixin ModelOption model;
  @Mixin CalibrationOptions calibration;

  @Option(
      names = "--strategy",
      defaultValue = "angular",
      description = "which layers each variant drops: angular | last | block-influence")
  String strategy;

  @Option(
      names = "--drop",
      split = ",",
      paramLabel = "N",
      description = "layers dropped per variant (default: 1/8, 1/4 and 1/2 of the layers)")
  List<Integer> drop;

  @Option(names = "--prompts", defaultValue = "6", description = "prompts (default 6)")
  int prompts;

  @Option(names = "--prompt-tokens", defaultValue = "16", description = "tokens per prompt")
  int promptTokens;

  @Option(names = "--tokens", defaultValue = "48", description = "greedy tokens per prompt")
  int tokens;

  @Option(names = "--max-draft", defaultValue = "6", description = "largest k tried")
  int maxDraft;

  @Override
  public Integer call() {
    PrintWriter o = spec.commandLine().getOut();
    Strategy st = Strategy.parse(strategy);
    try (LoadedModel m = LoadedModel.open(model.resolve());
        Decoder full = m.decoder()) {
      int layers = m.weights().layers().size();
      List<Integer> drops =
          drop != null ? drop : List.of(Math.max(1, layers / 8), layers / 4, layers / 2);
      CalibrationSet data = calibration.load(m.encoder(), full.config().maxPositionEmbeddings());
      List<int[]> starts = new ArrayList<>();
      for (int[] seq : data.sequences()) {
        if (seq.length > promptTokens && starts.size() < prompts) {
          starts.add(Arrays.copyOf(seq, promptTokens));
        }
      }
      if (starts.isEmpty()) {
        throw new IllegalArgumentException(
            "no calibration sequence is longer than --prompt-tokens");
      }
      List<int[]> greedy = DraftAcceptance.continuations(full, starts, tokens);
      DistanceTable table =
          st.needsData()
              ? LayerAnalysis.run(full, data, ProgressListener.NONE, Cancellation.none())
              : null;
      double fullStep = DraftAcceptance.decodeMillis(full, starts.get(0), 32);
      double[] verify = new double[maxDraft + 1];
      for (int k = 1; k <= maxDraft; k++) {
        verify[k] = DraftAcceptance.verifyMillis(full, starts.get(0), k + 1, 12);
      }
      o.printf(
          "%s, %d layers, %d prompts x %d greedy tokens; full step %.2f ms; verify of k+1"
              + " tokens:",
          m.directory().getFileName(), layers, starts.size(), tokens, fullStep);
      for (int k = 1; k <= maxDraft; k++) {
        o.printf(" k=%d %.2f ms", k, verify[k]);
      }
      o.println();
      o.println(" dropped  agreement  draft ms   best k  tokens/cycle  speed vs plain");
      for (int n : drops) {
        PruningPlan plan = PruningPlan.of(st, m.weights().originalLayerIndices(), n, table);
        try (Decoder draft = m.decoder(m.weights().keep(plan.keptPositions()))) {
          List<boolean[]> agree = DraftAcceptance.agreement(draft, starts, greedy);
          double draftStep = DraftAcceptance.decodeMillis(draft, starts.get(0), 32);
          int bestK = 1;
          double best = 0;
          double bestTokens = 0;
          for (int k = 1; k <= maxDraft; k++) {
            double perCycle = DraftAcceptance.tokensPerCycle(agree, k);
            double speed = perCycle * fullStep / (k * draftStep + verify[k]);
            if (speed > best) {
              best = speed;
              bestK = k;
              bestTokens = perCycle;
            }
          }
          o.printf(
              " %7d  %9.3f  %8.2f  %7d  %12.2f  %13.2fx%n",
              n, DraftAcceptance.rate(agree), draftStep, bestK, bestTokens, best);
        }
      }
      o.flush();
    }
    return 0;
  }
}
