package dev.shallows.cli;

import dev.shallows.engine.cpu.kernels.QuantizedVariant;
import dev.shallows.engine.cpu.kernels.WeightFormat;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code shallows quantize}: writes a BF16, int8 or NF4 variant of a model into the store. */
@Command(
    name = "quantize",
    mixinStandardHelpOptions = true,
    description = {
      "Writes a variant of --model with narrow weights to --out (atomically): bf16 stores every"
          + " float tensor as BF16; int8 (per-row scale) and nf4 (absmax blocks of 64, QLoRA"
          + " levels) store the linear weights as codes plus scale tensors. config.json gets a"
          + " 'quantization' block; loading the variant dequantizes for DJL and makes the CPU"
          + " decoder keep the weights in that format (override with -Dshallows.weights)."
    })
public final class QuantizeCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Mixin ModelOption model;

  @Option(names = "--format", required = true, description = "bf16, int8 or nf4")
  String format;

  @Option(names = "--out", required = true, paramLabel = "DIR", description = "variant directory")
  Path out;

  @Option(names = "--overwrite", description = "replace --out if it exists")
  boolean overwrite;

  @Override
  public Integer call() {
    WeightFormat f;
    try {
      f = WeightFormat.parse(format);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage());
    }
    if (f == WeightFormat.F32) {
      throw new ParameterException(spec.commandLine(), "--format must be bf16, int8 or nf4");
    }
    long t0 = System.nanoTime();
    long bytes = QuantizedVariant.write(model.resolve(), f, out, overwrite);
    PrintWriter w = spec.commandLine().getOut();
    w.printf(
        Locale.ROOT,
        "wrote %s variant to %s: %.1f MB of weights in %.1f s%n",
        f.id(),
        out,
        bytes / 1e6,
        (System.nanoTime() - t0) / 1e9);
    w.flush();
    return 0;
  }
}
