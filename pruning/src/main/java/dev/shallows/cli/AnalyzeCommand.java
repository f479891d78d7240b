package dev.shallows.cli;

import dev.shallows.engine.Decoder;
import dev.shallows.pruning.Cancellation;
import dev.shallows.pruning.LoadedModel;
import dev.shallows.pruning.analysis.DistanceHeatmap;
import dev.shallows.pruning.analysis.DistanceReport;
import dev.shallows.pruning.analysis.DistanceTable;
import dev.shallows.pruning.analysis.LayerAnalysis;
import dev.shallows.pruning.data.CalibrationSet;
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

/** {@code shallows analyze}: the layer-distance table, ℓ*(n) for every n, and the heatmap. */
@Command(
    name = "analyze",
    mixinStandardHelpOptions = true,
    description = {
      "Runs calibration text once through the model and computes the mean angular distance"
          + " d(x(l), x(l+n)) = arccos(cos)/pi between residual-stream states at each sequence's"
          + " last token, for every block size n and start l (Gromov et al. 2024).",
      "Writes distances.csv, distances.json and distances.png (rows rescaled to [0,1]) to --out"
          + " and prints the best block l*(n) per n as ORIGINAL 0-based layer indices."
    })
public final class AnalyzeCommand implements Callable<Integer> {

  @Spec CommandSpec spec;
  @Mixin ModelOption model;
  @Mixin CalibrationOptions calibration;

  @Option(names = "--out", required = true, paramLabel = "DIR", description = "output directory")
  Path out;

  @Override
  public Integer call() {
    PrintWriter o = spec.commandLine().getOut();
    ProgressBar bar = new ProgressBar(System.err);
    Path dir = model.resolve();
    try (LoadedModel m = LoadedModel.open(dir);
        Decoder decoder = m.decoder()) {
      CalibrationSet data = calibration.load(m.encoder(), decoder.config().maxPositionEmbeddings());
      DistanceTable table = LayerAnalysis.run(decoder, data, bar, Cancellation.none());
      DistanceReport.write(out, table, data.description());
      DistanceHeatmap.writePng(
          table,
          dir.getFileName() + ": angular distance, " + table.samples() + " samples",
          out.resolve("distances.png"));
      o.println("model: " + dir + " (" + table.layers() + " layers)");
      o.println("calibration: " + data.description());
      o.print(summary(table));
      o.println("wrote " + out.resolve("distances.csv") + ", distances.json, distances.png");
      o.flush();
    }
    return 0;
  }

  /** One line per n: the best start, its distance and the original layers it removes. */
  static String summary(DistanceTable t) {
    StringBuilder sb = new StringBuilder("  n  l*(n)  distance  removes original layers\n");
    for (int n = 1; n < t.layers(); n++) {
      int best = t.bestStart(n);
      sb.append(
          String.format(
              Locale.ROOT,
              "%3d  %5d  %8.4f  %s%n",
              n,
              best,
              t.distance(n, best),
              Arrays.toString(Arrays.copyOfRange(t.layerIndices(), best, best + n))));
    }
    return sb.toString();
  }
}
