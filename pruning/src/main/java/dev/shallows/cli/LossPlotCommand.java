package dev.shallows.cli;

import dev.shallows.pruning.train.LossCurveChart;
import dev.shallows.pruning.train.Pretrainer;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code shallows loss-plot}: draws the loss curve a pretraining run recorded. */
@Command(
    name = "loss-plot",
    mixinStandardHelpOptions = true,
    description = {
      "Draws the training loss curve recorded in a pretrained model's "
          + Pretrainer.MANIFEST
          + " or in a training checkpoint's trainer_state.json (per step, and its running mean over "
          + LossCurveChart.WINDOW_TEXT
          + " steps) as a PNG. pretrain writes the same chart itself, as "
          + Pretrainer.LOSS_CHART
          + "; this redraws it, for example for a model made by an older version."
    })
public final class LossPlotCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Option(
      names = "--model",
      required = true,
      paramLabel = "DIR",
      description =
          "model directory holding "
              + Pretrainer.MANIFEST
              + ", or the manifest or a checkpoint's trainer_state.json itself")
  Path model;

  @Option(
      names = "--out",
      paramLabel = "PNG",
      description = "default: DIR/" + Pretrainer.LOSS_CHART)
  Path out;

  @Override
  public Integer call() {
    Path manifest = Files.isDirectory(model) ? model.resolve(Pretrainer.MANIFEST) : model;
    if (!Files.isRegularFile(manifest)) {
      throw new ParameterException(spec.commandLine(), "no " + manifest);
    }
    List<Double> losses;
    try {
      losses = LossCurveChart.read(manifest);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage());
    }
    Path png = out != null ? out : manifest.resolveSibling(Pretrainer.LOSS_CHART);
    String name =
        Files.isDirectory(model)
            ? model.toAbsolutePath().normalize().getFileName().toString()
            : manifest.getFileName().toString().replaceFirst("\\.json$", "");
    LossCurveChart.write(png, name + ": training loss", losses);
    PrintWriter w = spec.commandLine().getOut();
    w.printf(Locale.ROOT, "wrote %s (%d steps)%n", png, losses.size());
    w.flush();
    return 0;
  }
}
