package dev.shallows.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.shallows.pruning.Cancellation;
import dev.shallows.pruning.LoadedModel;
import dev.shallows.pruning.analysis.BlockScan;
import dev.shallows.pruning.data.CalibrationSet;
import dev.shallows.pruning.eval.EvalSpec;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code shallows block-scan}: every block of n layers removed in turn, by distance and loss. */
@Command(
    name = "block-scan",
    mixinStandardHelpOptions = true,
    description = {
      "Removes every block of --n consecutive layers in turn (a zero-copy view) and prints the"
          + " block's angular distance on the calibration data (--data) beside the normalized loss"
          + " of the model without it on held-out text (--eval-data): where the paper's choice,"
          + " the smallest distance, ranks by loss. L-n+2 loss evaluations."
    })
public final class BlockScanCommand implements Callable<Integer> {

  @Spec CommandSpec spec;
  @Mixin ModelOption model;
  @Mixin CalibrationOptions calibration;

  @Option(names = "--n", required = true, description = "layers per block")
  int n;

  @Option(
      names = "--eval-data",
      paramLabel = "PATH",
      description = "held-out text for the loss (default: as 'shallows eval --task loss')")
  Path evalData;

  @Option(
      names = "--limit",
      defaultValue = "50",
      description = "most loss documents (default ${DEFAULT-VALUE})")
  int limit;

  @Option(
      names = "--eval-max-tokens",
      defaultValue = "1024",
      description = "longest loss window (default ${DEFAULT-VALUE})")
  int evalMaxTokens;

  @Option(names = "--json", description = "print the scan as JSON")
  boolean json;

  @Override
  public Integer call() {
    PrintWriter o = spec.commandLine().getOut();
    ProgressBar bar = new ProgressBar(System.err);
    Path dir = model.resolve();
    Path data = evalData != null ? evalData : EvalCommand.defaultData("loss", dir);
    EvalSpec loss = new EvalSpec("loss", data, 0, limit, evalMaxTokens);
    BlockScan.Result r;
    try (LoadedModel m = LoadedModel.open(dir)) {
      CalibrationSet cal =
          calibration.load(m.encoder(), m.weights().config().maxPositionEmbeddings());
      r = BlockScan.run(m, cal, n, loss, bar, Cancellation.none());
    }
    bar.finishLine();
    if (json) {
      o.println(toJson(r).toPrettyString());
    } else {
      o.print(human(dir, r));
    }
    o.flush();
    return 0;
  }

  static String human(Path dir, BlockScan.Result r) {
    StringBuilder b = new StringBuilder();
    b.append(
        String.format(
            Locale.ROOT,
            "%s: blocks of %d layers; unpruned loss %.4f%n",
            dir,
            r.n(),
            r.full().normalizedLoss()));
    b.append(
        String.format(
            Locale.ROOT,
            "%-6s %-32s %9s %9s %5s%n",
            "start",
            "removed",
            "distance",
            "loss",
            "rank"));
    for (BlockScan.Row row : r.rows()) {
      String mark =
          (row.start() == r.angularStart() ? "  <- angular" : "")
              + (row.start() == r.lastStart() ? "  <- last" : "")
              + (row.start() == r.bestStart() ? "  <- best by loss" : "");
      b.append(
          String.format(
              Locale.ROOT,
              "%-6d %-32s %9.4f %9.4f %5d%s%n",
              row.start(),
              Arrays.toString(row.removedOriginal()),
              row.distance(),
              row.loss().normalizedLoss(),
              row.lossRank(),
              mark));
    }
    BlockScan.Row a = r.angular();
    b.append(
        String.format(
            Locale.ROOT,
            "angular's block ranks %d of %d by loss (%.4f against the best %.4f; 95%% interval of"
                + " its loss %.4f-%.4f); last's ranks %d%n",
            a.lossRank(),
            r.rows().size(),
            a.loss().normalizedLoss(),
            r.rows().get(r.bestStart()).loss().normalizedLoss(),
            a.loss().ci95().low(),
            a.loss().ci95().high(),
            r.rows().get(r.lastStart()).lossRank()));
    return b.toString();
  }

  static ObjectNode toJson(BlockScan.Result r) {
    ObjectMapper m = new ObjectMapper();
    ObjectNode o = m.createObjectNode();
    o.put("n", r.n());
    o.put("full_loss", r.full().normalizedLoss());
    o.put("angular_start", r.angularStart());
    o.put("best_start", r.bestStart());
    o.put("angular_rank", r.angular().lossRank());
    o.put("last_start", r.lastStart());
    o.put("last_rank", r.rows().get(r.lastStart()).lossRank());
    ArrayNode rows = o.putArray("blocks");
    for (BlockScan.Row row : r.rows()) {
      ObjectNode x = rows.addObject();
      x.put("start", row.start());
      ArrayNode removed = x.putArray("removed_original");
      Arrays.stream(row.removedOriginal()).forEach(removed::add);
      x.put("distance", row.distance());
      x.put("loss", row.loss().normalizedLoss());
      x.put("loss_ci_low", row.loss().ci95().low());
      x.put("loss_ci_high", row.loss().ci95().high());
      x.put("loss_rank", row.lossRank());
    }
    return o;
  }
}
