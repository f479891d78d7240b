package dev.shallows.cli;

import dev.shallows.engine.djl.ComputeSettings;
import dev.shallows.pruning.Cancellation;
import dev.shallows.pruning.LoadedModel;
import dev.shallows.pruning.analysis.PruningPlan;
import dev.shallows.pruning.analysis.Strategy;
import dev.shallows.pruning.data.CalibrationSet;
import dev.shallows.pruning.eval.EvalResult;
import dev.shallows.pruning.eval.EvalSpec;
import dev.shallows.pruning.heal.Healer;
import dev.shallows.pruning.heal.LoraConfig;
import dev.shallows.pruning.sweep.Sweep;
import dev.shallows.pruning.sweep.SweepReport;
import dev.shallows.pruning.sweep.SweepRow;
import dev.shallows.pruning.sweep.VariantHealer;
import dev.shallows.pruning.train.TrainerConfig;
import dev.shallows.pruning.train.TrainingListener;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.IntStream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code shallows sweep}: accuracy and loss against the fraction of layers dropped. */
@Command(
    name = "sweep",
    mixinStandardHelpOptions = true,
    description = {
      "For each strategy and each n (default 0..L-1), removes n layers (a zero-copy view),"
          + " optionally heals the variant, evaluates every --eval task, and writes sweep.csv,"
          + " sweep.json and sweep.png (accuracy and normalized loss vs the fraction of layers"
          + " dropped, as in Gromov et al. Figures 1-2) to --out.",
      "--eval takes TASK or TASK=PATH (tasks: mmlu, mmlu-cloze, boolq, arc, loss; default data as in"
          + " 'shallows eval'); repeat it for several tasks."
    })
public final class SweepCommand implements Callable<Integer> {

  @Spec CommandSpec spec;
  @Mixin ModelOption model;
  @Mixin CalibrationOptions calibration;

  @Option(
      names = "--strategies",
      split = ",",
      defaultValue = "angular,last",
      description = "strategies to compare (default ${DEFAULT-VALUE})")
  List<String> strategies;

  @Option(
      names = "--ns",
      split = ",",
      paramLabel = "N",
      description = "layers to remove (default 0..L-1)")
  List<Integer> ns;

  @Option(
      names = "--fractions",
      split = ",",
      paramLabel = "F",
      description = "fractions of layers to remove instead of --ns")
  List<Double> fractions;

  @Option(
      names = "--eval",
      paramLabel = "TASK[=PATH]",
      defaultValue = "loss",
      description = "an evaluation at every point; repeatable (default ${DEFAULT-VALUE})")
  List<String> evals;

  @Option(names = "--shots", description = "examples in mmlu/arc prompts (default: 5 for mmlu)")
  Integer shots;

  @Option(
      names = "--limit",
      defaultValue = "200",
      description = "most questions / loss documents per evaluation (default ${DEFAULT-VALUE})")
  int limit;

  @Option(
      names = "--eval-max-tokens",
      defaultValue = "1024",
      description = "longest prompt / loss window (default ${DEFAULT-VALUE})")
  int evalMaxTokens;

  @Option(
      names = "--heal",
      defaultValue = "none",
      description =
          "also heal every pruned variant: none | lora | qlora (default ${DEFAULT-VALUE})")
  String heal;

  @Option(
      names = "--heal-data",
      paramLabel = "PATH",
      description = "healing text (.txt/.jsonl/dir)")
  Path healData;

  @Option(names = "--heal-steps", defaultValue = "100", description = "(default ${DEFAULT-VALUE})")
  int healSteps;

  @Option(names = "--heal-rank", defaultValue = "8", description = "(default ${DEFAULT-VALUE})")
  int healRank;

  @Option(names = "--heal-lr", defaultValue = "3e-4", description = "(default ${DEFAULT-VALUE})")
  double healLr;

  @Option(names = "--heal-batch", defaultValue = "4", description = "(default ${DEFAULT-VALUE})")
  int healBatch;

  @Option(
      names = "--heal-seq-len",
      defaultValue = "128",
      description = "(default ${DEFAULT-VALUE})")
  int healSeqLen;

  @Option(names = "--out", required = true, paramLabel = "DIR", description = "output directory")
  Path out;

  @Override
  public Integer call() {
    PrintWriter o = spec.commandLine().getOut();
    ProgressBar bar = new ProgressBar(System.err);
    Path dir = model.resolve();
    List<Strategy> sts = strategies.stream().map(Strategy::parse).toList();
    List<EvalSpec> specs = new ArrayList<>();
    for (String e : evals) {
      String[] kv = e.split("=", 2);
      String task = kv[0].trim().toLowerCase(Locale.ROOT);
      Path data = kv.length == 2 ? Path.of(kv[1]) : EvalCommand.defaultData(task, dir);
      int k = shots != null ? shots : task.startsWith("mmlu") ? 5 : 0;
      if (task.equals("boolq") || task.equals("loss")) {
        k = 0;
      }
      specs.add(new EvalSpec(task, data, k, limit, evalMaxTokens));
    }
    if (specs.stream().map(EvalSpec::task).distinct().count() != specs.size()) {
      throw new IllegalArgumentException("each --eval task may appear once");
    }
    try (LoadedModel m = LoadedModel.open(dir)) {
      int layers = m.weights().layers().size();
      List<Integer> points = points(layers);
      CalibrationSet data =
          sts.stream().anyMatch(Strategy::needsData)
              ? calibration.load(m.encoder(), m.weights().config().maxPositionEmbeddings())
              : null;
      VariantHealer healer = healer();
      Sweep.Plan plan =
          new Sweep.Plan(
              sts, points, specs, healer, healer == null ? null : out.resolve("variants"));
      List<SweepRow> rows = Sweep.run(m, data, plan, bar, Cancellation.none());
      bar.finishLine();
      SweepReport.write(out, dir.toAbsolutePath().normalize().toString(), rows);
      o.println("model: " + dir + " (" + layers + " layers)");
      if (data != null) {
        o.println("calibration: " + data.description());
      }
      for (SweepRow r : rows) {
        StringBuilder sb =
            new StringBuilder(
                String.format(
                    Locale.ROOT,
                    "%-18s n=%-3d frac=%.3f removed=%s",
                    r.series(),
                    r.n(),
                    r.fraction(),
                    r.removedOriginal()));
        for (var e : r.results().entrySet()) {
          EvalResult v = e.getValue();
          sb.append(
              String.format(
                  Locale.ROOT,
                  "  %s=%.4f [%.4f, %.4f]",
                  e.getKey(),
                  v.value(),
                  v.ci95().low(),
                  v.ci95().high()));
        }
        o.println(sb);
      }
      o.println("wrote " + out.resolve("sweep.csv") + ", sweep.json, sweep.png");
      o.flush();
    }
    return 0;
  }

  private List<Integer> points(int layers) {
    if (ns != null && fractions != null) {
      throw new IllegalArgumentException("give --ns or --fractions, not both");
    }
    if (fractions != null) {
      return fractions.stream()
          .map(f -> PruningPlan.layersForFraction(f, layers))
          .distinct()
          .toList();
    }
    return ns != null ? ns : IntStream.range(0, layers).boxed().toList();
  }

  /** Adapts the healing module's Healer (LoRA/QLoRA, merged) to the sweep's hook. */
  private VariantHealer healer() {
    if (heal.equalsIgnoreCase("none")) {
      return null;
    }
    if (healData == null) {
      throw new IllegalArgumentException("--heal needs --heal-data");
    }
    LoraConfig lora = LoraConfig.defaults(LoraConfig.Method.parse(heal), healRank);
    TrainerConfig tc =
        new TrainerConfig(
            healSteps,
            healBatch,
            healSeqLen,
            healLr,
            healLr / 10,
            Math.max(1, healSteps / 10),
            0.0,
            1.0,
            0,
            null,
            0);
    Healer.Options opts = new Healer.Options(lora, tc, false, false, ComputeSettings.resolve());
    return (pruned, healed, progress, cancel) -> {
      TrainingListener l = e -> progress.progress("heal", e.step(), e.totalSteps());
      Healer.heal(pruned, healData, opts, healed, l, cancel);
    };
  }
}
