package dev.shallows.cli;

import dev.shallows.engine.bench.DecodeBench;
import dev.shallows.engine.bench.DecodeBench.Backend;
import dev.shallows.engine.bench.DecodeBench.Result;
import dev.shallows.engine.bench.DecodeBench.Shape;
import dev.shallows.engine.cpu.CpuDecoder;
import dev.shallows.engine.cpu.kernels.QuantizedVariant;
import dev.shallows.engine.cpu.kernels.WeightFormat;
import dev.shallows.engine.djl.DjlDecoder;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.function.UnaryOperator;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code shallows bench}: prefill and decode tokens/s of the CPU fast path against the stock-DJL
 * baseline on random-weight F32 Llamas (and stored narrow-weight variants of them), with the
 * bandwidth and compute bounds and each backend's resident memory measured in the same run.
 */
@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    description = {
      "Writes random-weight F32 checkpoints (small: 16 layers, hidden 512; tinyllama: 22 layers,"
          + " hidden 2048, intermediate 5632, 32 heads, 4 KV heads; vocab 32000) under --dir,"
          + " memory-maps them, and reports prefill and batch-1 / batch-8 decode tokens/s for"
          + " each implementation, ratios to the first one (the baseline), and batch-1 decode as"
          + " a fraction of the bound weight-bytes-per-token / read bandwidth measured in the same"
          + " run; batch-8 decode against the lower of 8 x that bound and the peak FMA rate"
          + " (registers only, measured too) / 2 FLOP per weight; and the resident memory (RSS, of it anonymous: heap and repacked weights)"
          + " while each backend is loaded. --formats backends load stored variants as"
          + " `shallows quantize` writes them (made once under --dir). Run it on an otherwise"
          + " idle machine: both implementations use 2 threads."
    })
public final class BenchCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Option(
      names = "--shapes",
      split = ",",
      defaultValue = "small,tinyllama",
      description = "shapes to run: small, tinyllama (default: ${DEFAULT-VALUE})")
  List<String> shapes;

  @Option(
      names = "--impls",
      split = ",",
      defaultValue = "djl,cpu",
      description = "implementations, baseline first: djl, cpu (default: ${DEFAULT-VALUE})")
  List<String> impls;

  @Option(
      names = "--dir",
      paramLabel = "DIR",
      description = "where the random checkpoints go (kept for reuse; default: a temp dir)")
  Path dir;

  @Option(
      names = "--formats",
      split = ",",
      description =
          "also run the CPU decoder with its weights in these formats (f32, bf16, int8, nf4),"
              + " named cpu-FORMAT; with --prune-layers also on a pruned view, named FORMAT-pN")
  List<String> formats = List.of();

  @Option(
      names = "--prune-layers",
      defaultValue = "0",
      description =
          "layers to drop for the pruned variant of each --formats entry: the deepest ones"
              + " before the last layer, as Gromov et al. (default: ${DEFAULT-VALUE}, none)")
  int pruneLayers;

  @Option(names = "--prefill", defaultValue = "128", description = "prompt tokens for prefill")
  int prefill;

  @Option(names = "--steps", defaultValue = "32", description = "batch-1 decode steps (small x4)")
  int steps;

  @Option(names = "--batch", defaultValue = "8", description = "batch size of batched decode")
  int batch;

  @Option(
      names = "--batch-prompt",
      defaultValue = "32",
      description = "prompt tokens of each batched sequence (default: ${DEFAULT-VALUE})")
  int batchPrompt;

  @Option(
      names = "--isolate",
      description =
          "run each backend in its own JVM, so that its resident memory is its own (takes longer:"
              + " every JVM warms up again)")
  boolean isolate;

  @Option(
      names = "--only",
      hidden = true,
      description = "run only this backend (--isolate's child)")
  String only;

  /** Layer positions kept when the pruneLayers deepest layers before the last are dropped. */
  private int[] deepBlockRemoved(int layers) {
    if (pruneLayers >= layers - 1) {
      throw new picocli.CommandLine.ParameterException(
          spec.commandLine(), "--prune-layers must leave at least 2 of " + layers + " layers");
    }
    int[] keep = new int[layers - pruneLayers];
    for (int i = 0; i < keep.length - 1; i++) {
      keep[i] = i;
    }
    keep[keep.length - 1] = layers - 1;
    return keep;
  }

  /**
   * The checkpoint a format's backends load: a stored variant as {@code shallows quantize} writes
   * it (made once beside the F32 checkpoint, then reused), or the F32 checkpoint itself.
   */
  private static UnaryOperator<Path> stored(WeightFormat format) {
    if (format == WeightFormat.F32) {
      return UnaryOperator.identity();
    }
    return f32 -> {
      Path variant = f32.resolveSibling(f32.getFileName() + "-" + format.id());
      if (!Files.exists(variant.resolve("config.json"))) {
        long t0 = System.nanoTime();
        QuantizedVariant.write(f32, format, variant, false);
        System.err.printf(
            Locale.ROOT, "wrote %s in %.1f s%n", variant, (System.nanoTime() - t0) / 1e9);
      }
      return variant;
    };
  }

  /** This command line for one shape and one backend, as an --isolate child runs it. */
  private List<String> childArgs(Path work, String shape, String backend) {
    List<String> a = new ArrayList<>();
    a.addAll(
        List.of("--dir", work.toString(), "--shapes", shape, "--impls", String.join(",", impls)));
    if (!formats.isEmpty()) {
      a.addAll(List.of("--formats", String.join(",", formats)));
    }
    a.addAll(
        List.of(
            "--prune-layers", "" + pruneLayers,
            "--prefill", "" + prefill,
            "--steps", "" + steps,
            "--batch", "" + batch,
            "--batch-prompt", "" + batchPrompt,
            "--only", backend));
    return a;
  }

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    Path work = dir != null ? dir : Files.createTempDirectory("shallows-bench");
    List<Backend> backends = new ArrayList<>();
    for (String i : impls) {
      if (i.isBlank()) {
        continue; // --impls '' : only the --formats backends
      }
      backends.add(
          switch (i.trim()) {
            case "cpu" -> new Backend("cpu", CpuDecoder::new);
            case "djl" -> new Backend("djl", DjlDecoder::new);
            default ->
                throw new picocli.CommandLine.ParameterException(
                    spec.commandLine(), "unknown implementation '" + i + "' (djl, cpu)");
          });
    }
    for (String f : formats) {
      WeightFormat format = WeightFormat.parse(f);
      backends.add(
          new Backend("cpu-" + format.id(), w -> new CpuDecoder(w, format), stored(format)));
    }
    if (pruneLayers > 0) {
      for (String f : formats) {
        WeightFormat format = WeightFormat.parse(f);
        backends.add(
            new Backend(
                format.id() + "-p" + pruneLayers,
                w -> new CpuDecoder(w.keep(deepBlockRemoved(w.layers().size())), format),
                stored(format)));
      }
    }
    if (only != null) {
      backends.removeIf(b -> !b.name().equals(only));
      if (backends.isEmpty()) {
        throw new picocli.CommandLine.ParameterException(
            spec.commandLine(), "--only names no backend of this command line: " + only);
      }
    }
    for (String s : shapes) {
      Shape shape =
          switch (s.trim()) {
            case "small" -> DecodeBench.SMALL;
            case "tinyllama" -> DecodeBench.TINYLLAMA;
            default ->
                throw new picocli.CommandLine.ParameterException(
                    spec.commandLine(), "unknown shape '" + s + "' (small, tinyllama)");
          };
      int n = shape == DecodeBench.SMALL ? 4 * steps : steps;
      DecodeBench bench =
          new DecodeBench(
              work, new DecodeBench.Settings(prefill, n, batch, batchPrompt), System.err);
      List<Result> results = new ArrayList<>();
      if (only == null) {
        bench.measureComputePeak(); // before and after the backends: the best figure is kept
      }
      if (isolate) {
        for (Backend b : backends) {
          for (IsolatedBench.Line line : IsolatedBench.run(childArgs(work, s.trim(), b.name()))) {
            results.add(line.result());
            bench.noteBandwidth(line.bandwidth());
          }
        }
      } else {
        results.addAll(bench.run(shape, backends));
      }
      bench.measureBandwidth();
      if (only == null) {
        bench.measureComputePeak();
      }
      if (only != null) {
        for (Result r : results) {
          out.println(IsolatedBench.line(r, bench.bandwidth()));
        }
      } else {
        out.print(bench.table(results));
      }
      out.flush();
    }
    out.printf("load average now: %s%n", Files.readString(Path.of("/proc/loadavg")).trim());
    return 0;
  }
}
