package dev.shallows.cli;

import dev.shallows.engine.Decoder;
import dev.shallows.pruning.Cancellation;
import dev.shallows.pruning.LoadedModel;
import dev.shallows.pruning.analysis.DistanceTable;
import dev.shallows.pruning.analysis.LayerAnalysis;
import dev.shallows.pruning.analysis.PruningPlan;
import dev.shallows.pruning.analysis.Strategy;
import dev.shallows.pruning.data.CalibrationSet;
import dev.shallows.pruning.surgery.VariantWriter;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code shallows prune}: writes a layer-pruned variant as a new HF checkpoint with a manifest. */
@Command(
    name = "prune",
    mixinStandardHelpOptions = true,
    description = {
      "Removes n decoder layers and writes the result to --out as an HF checkpoint (layers"
          + " renumbered, num_hidden_layers rewritten, tokenizer copied) plus shallows-variant.json"
          + " naming the removed ORIGINAL 0-based layers. The directory appears atomically.",
      "Strategies: angular (default; the block with the smallest angular distance, needs"
          + " calibration data: --data or the built-in text), last (layers L-n-1..L-2, never the"
          + " final layer; no data), block-influence (ShortGPT: the n layers with the lowest"
          + " block influence 1-cos(in, out), i.e. that change the residual stream least; possibly"
          + " not contiguous)."
    })
public final class PruneCommand implements Callable<Integer> {

  @Spec CommandSpec spec;
  @Mixin ModelOption model;
  @Mixin CalibrationOptions calibration;

  static final class Amount {
    @Option(names = "--n", paramLabel = "N", description = "number of layers to remove")
    Integer n;

    @Option(
        names = "--fraction",
        paramLabel = "F",
        description = "fraction of layers to remove, in [0, 1) (rounded to the nearest layer)")
    Double fraction;
  }

  @ArgGroup(exclusive = true, multiplicity = "1")
  Amount amount;

  @Option(
      names = "--strategy",
      defaultValue = "angular",
      description = "angular | last | block-influence (default ${DEFAULT-VALUE})")
  String strategy;

  @Option(names = "--out", required = true, paramLabel = "DIR", description = "variant directory")
  Path out;

  @Override
  public Integer call() {
    PrintWriter o = spec.commandLine().getOut();
    Strategy st = Strategy.parse(strategy);
    Path dir = model.resolve();
    ProgressBar bar = new ProgressBar(System.err);
    try (LoadedModel m = LoadedModel.open(dir)) {
      int layers = m.weights().layers().size();
      int n = amount.n != null ? amount.n : PruningPlan.layersForFraction(amount.fraction, layers);
      DistanceTable table = null;
      String calibrationText = null;
      if (st.needsData() && n > 0) {
        try (Decoder decoder = m.decoder()) {
          CalibrationSet data =
              calibration.load(m.encoder(), decoder.config().maxPositionEmbeddings());
          calibrationText = data.description();
          table = LayerAnalysis.run(decoder, data, bar, Cancellation.none());
        }
      } else if (calibration.data != null) {
        o.println("note: strategy " + st.cliName() + " uses no calibration data; --data ignored");
      }
      PruningPlan plan = PruningPlan.of(st, m.weights().originalLayerIndices(), n, table);
      o.println(plan.describe());
      if (table != null) {
        o.println("calibration: " + calibrationText);
        o.printf("block distance: %.4f%n", plan.blockDistance());
      }
      VariantWriter.write(dir, plan, table, calibrationText, out, bar, Cancellation.none());
      o.println("wrote " + out.toAbsolutePath().normalize() + " (" + (layers - n) + " layers)");
      o.flush();
    }
    return 0;
  }
}
