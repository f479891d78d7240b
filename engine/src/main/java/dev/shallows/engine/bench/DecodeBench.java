package dev.shallows.engine.bench;

import dev.shallows.engine.Decoder;
import dev.shallows.engine.LayerWeights;
import dev.shallows.engine.LlamaWeights;
import dev.shallows.engine.Matrix;
import dev.shallows.engine.SequenceState;
import dev.shallows.engine.cpu.CpuDecoder;
import dev.shallows.store.Checkpoint;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.function.Function;
import java.util.function.UnaryOperator;

/**
 * Prefill and decode throughput of decoder implementations on random-weight F32 Llamas (written to
 * disk and memory-mapped like real checkpoints), with the machine's read bandwidth measured in the
 * same run so batch-1 decode can be stated as a fraction of its bandwidth bound (weight bytes per
 * token ÷ bandwidth), and the peak FMA rate ({@link ComputePeak}) for the batched bound: the lower
 * of batch × the batch-1 bound and the peak ÷ 2 FLOP per weight. The first backend listed is the
 * baseline for the ratios. The process's resident memory is sampled while each backend is loaded
 * ({@link ResidentMemory}).
 */
public final class DecodeBench {

  /** A model shape (F32, untied head). */
  public record Shape(
      String name, int layers, int hidden, int intermediate, int heads, int kvHeads, int vocab) {}

  /**
   * A decoder implementation under test, on the checkpoint {@code source} makes of the shape's
   * random F32 checkpoint directory (the directory itself, or a variant written from it).
   */
  public record Backend(
      String name, Function<LlamaWeights, Decoder> factory, UnaryOperator<Path> source) {
    public Backend(String name, Function<LlamaWeights, Decoder> factory) {
      this(name, factory, UnaryOperator.identity());
    }
  }

  /**
   * Measured throughputs of one backend on one shape (tokens per second; the batch's short prompts
   * prefilled one by one and in one multi-sequence pass), its weight bytes and weights
   * (multiply-adds per token) as one decode step reads them, and the process's resident memory
   * while it was loaded (after a GC).
   */
  public record Result(
      Shape shape,
      String backend,
      double prefill,
      double decode1,
      double decode8,
      double prefillSeparate8,
      double prefillJoint8,
      long bytes,
      long weights,
      ResidentMemory memory) {}

  /** How much to measure. */
  public record Settings(int prefillTokens, int decodeSteps, int batch, int batchPrompt) {}

  public static final Shape SMALL = new Shape("small", 16, 512, 1536, 8, 4, 32000);
  public static final Shape TINYLLAMA = new Shape("tinyllama", 22, 2048, 5632, 32, 4, 32000);

  private final Path workDir;
  private final Settings settings;
  private final PrintStream log;
  private double bandwidth;
  private double computePeak;

  public DecodeBench(Path workDir, Settings settings, PrintStream log) {
    this.workDir = workDir;
    this.settings = settings;
    this.log = log;
  }

  /** Best read bandwidth seen so far in this run (bytes/s). */
  public double bandwidth() {
    return bandwidth;
  }

  /** Keeps {@code bytesPerSecond} as the best bandwidth if it is (a figure measured elsewhere). */
  public void noteBandwidth(double bytesPerSecond) {
    bandwidth = Math.max(bandwidth, bytesPerSecond);
  }

  /**
   * Measures the peak FMA rate now (2 threads) and keeps the best figure seen; the table's batched
   * bound uses it.
   */
  public double measureComputePeak() {
    double peak = ComputePeak.measure(2, 3);
    log.printf(Locale.ROOT, "FMA peak (2 threads, registers only): %.1f GFLOP/s%n", peak / 1e9);
    computePeak = Math.max(computePeak, peak);
    return peak;
  }

  /** Measures the read bandwidth now (2 threads over 1 GiB) and keeps the best figure. */
  public double measureBandwidth() {
    List<ByteBuffer> bufs = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      bufs.add(Bandwidth.scratch(256 << 20));
    }
    double bw = Bandwidth.measure(bufs, 2, 5);
    log.printf(Locale.ROOT, "read bandwidth (2 threads, 1 GiB): %.1f GB/s%n", bw / 1e9);
    bandwidth = Math.max(bandwidth, bw);
    return bw;
  }

  /**
   * Runs every backend on one shape (checkpoint generated once, reused from workDir). Each backend
   * opens its own checkpoint, and the previous one's is closed and collected first, so its resident
   * memory is its own.
   */
  public List<Result> run(Shape shape, List<Backend> backends) throws Exception {
    Path dir = workDir.resolve(shape.name());
    if (!Files.exists(dir.resolve("model.safetensors"))) {
      long t0 = System.nanoTime();
      RandomCheckpoint.write(
          dir,
          RandomCheckpoint.llamaConfig(
              shape.layers(),
              shape.hidden(),
              shape.intermediate(),
              shape.heads(),
              shape.kvHeads(),
              shape.vocab()),
          42);
      log.printf(Locale.ROOT, "wrote %s in %.1f s%n", dir, (System.nanoTime() - t0) / 1e9);
    }
    List<Result> out = new ArrayList<>();
    for (Backend b : backends) {
      measureBandwidth();
      ResidentMemory.afterGc(); // the previous backend's weights and mappings are gone
      try (Checkpoint ck = Checkpoint.open(b.source().apply(dir))) {
        LlamaWeights w = LlamaWeights.load(ck);
        try (Decoder dec = b.factory().apply(w)) {
          out.add(measure(shape, b.name(), dec, w));
        }
      }
      Result r = out.get(out.size() - 1);
      log.printf(
          Locale.ROOT,
          "%s %s: prefill %.1f tok/s, decode b1 %.2f tok/s, b%d %.2f tok/s, RSS %.0f MB"
              + " (anon %.0f, file %.0f, live heap %.0f)%n",
          shape.name(),
          b.name(),
          r.prefill(),
          r.decode1(),
          settings.batch(),
          r.decode8(),
          r.memory().totalBytes() / 1e6,
          r.memory().anonBytes() / 1e6,
          r.memory().fileBytes() / 1e6,
          r.memory().heapUsedBytes() / 1e6);
    }
    return out;
  }

  private Result measure(Shape shape, String name, Decoder dec, LlamaWeights w) {
    Random rnd = new Random(7);
    int vocab = shape.vocab();
    // warm-up: JIT-compile every path (prefill, batch-1 and batched decode)
    try (SequenceState a = dec.newSequence(64);
        SequenceState b = dec.newSequence(64)) {
      dec.prefill(a, tokens(rnd, 16, vocab), false);
      dec.prefill(b, tokens(rnd, 8, vocab), false);
      for (int i = 0; i < 6; i++) {
        dec.decode(List.of(a), new int[] {rnd.nextInt(vocab)});
        dec.decode(List.of(a, b), new int[] {rnd.nextInt(vocab), rnd.nextInt(vocab)});
      }
    }
    int p = settings.prefillTokens();
    int steps = settings.decodeSteps();
    double prefill = 0;
    double decode1;
    SequenceState seq = null;
    try {
      for (int rep = 0; rep < 2; rep++) {
        if (seq != null) {
          seq.close();
        }
        seq = dec.newSequence(p + steps + 1);
        int[] prompt = tokens(rnd, p, vocab);
        long t0 = System.nanoTime();
        dec.prefill(seq, prompt, false);
        prefill = Math.max(prefill, p / secondsSince(t0));
      }
      long t0 = System.nanoTime();
      for (int i = 0; i < steps; i++) {
        dec.decode(List.of(seq), new int[] {rnd.nextInt(vocab)});
      }
      decode1 = steps / secondsSince(t0);
    } finally {
      if (seq != null) {
        seq.close();
      }
    }
    List<SequenceState> batch = new ArrayList<>();
    double decodeB;
    double separate;
    double joint;
    try {
      int bsteps = Math.max(2, steps / 2);
      List<int[]> prompts = new ArrayList<>();
      int promptTokens = 0;
      for (int b = 0; b < settings.batch(); b++) {
        prompts.add(tokens(rnd, settings.batchPrompt() + b, vocab));
        promptTokens += prompts.get(b).length;
      }
      // the batch's prompts prefilled one after the other, then (in other sequences) in one pass
      long t0 = System.nanoTime();
      for (int b = 0; b < settings.batch(); b++) {
        SequenceState s = dec.newSequence(settings.batchPrompt() + b + bsteps + 1);
        batch.add(s);
        dec.prefill(s, prompts.get(b), false);
      }
      separate = promptTokens / secondsSince(t0);
      List<SequenceState> others = new ArrayList<>();
      try {
        for (int b = 0; b < settings.batch(); b++) {
          others.add(dec.newSequence(settings.batchPrompt() + b));
        }
        t0 = System.nanoTime();
        dec.prefill(others, prompts, new boolean[others.size()]);
        joint = promptTokens / secondsSince(t0);
      } finally {
        others.forEach(SequenceState::close);
      }
      t0 = System.nanoTime();
      for (int i = 0; i < bsteps; i++) {
        dec.decode(batch, tokens(rnd, batch.size(), vocab));
      }
      decodeB = batch.size() * bsteps / secondsSince(t0);
    } finally {
      batch.forEach(SequenceState::close);
    }
    long bytes =
        dec instanceof CpuDecoder cpu
            ? cpu.linearWeightBytes() + 4L * w.embed().cols() // as kept; pruned views are smaller
            : decodeBytes(w);
    long weights = decodeWeights(w, dec.layers().length);
    return new Result(
        shape,
        name,
        prefill,
        decode1,
        decodeB,
        separate,
        joint,
        bytes,
        weights,
        ResidentMemory.afterGc());
  }

  /** Weights one decode step multiplies with {@code kept} of the model's (uniform) layers. */
  static long decodeWeights(LlamaWeights w, int kept) {
    LayerWeights l = w.layers().get(0);
    long perLayer = 0;
    for (Matrix m : List.of(l.wq(), l.wk(), l.wv(), l.wo(), l.gate(), l.up(), l.down())) {
      perLayer += (long) m.rows() * m.cols();
    }
    return kept * perLayer + (long) w.lmHead().rows() * w.lmHead().cols();
  }

  /** Weight bytes one decode step streams: every linear layer, the LM head, one embedding row. */
  public static long decodeBytes(LlamaWeights w) {
    long floats = w.embed().cols();
    for (LayerWeights l : w.layers()) {
      for (Matrix m : List.of(l.wq(), l.wk(), l.wv(), l.wo(), l.gate(), l.up(), l.down())) {
        floats += (long) m.rows() * m.cols();
      }
    }
    floats += (long) w.lmHead().rows() * w.lmHead().cols();
    return floats * 4;
  }

  /** The result table: absolute rates, ratios to the first backend, and the bandwidth bound. */
  public String table(List<Result> results) {
    StringBuilder sb = new StringBuilder();
    sb.append(
        String.format(
            Locale.ROOT,
            "best read bandwidth this run: %.1f GB/s; FMA peak %.1f GFLOP/s; prefill %d tokens;"
                + " batch %d%n",
            bandwidth / 1e9,
            computePeak / 1e9,
            settings.prefillTokens(),
            settings.batch()));
    sb.append(
        String.format(
            Locale.ROOT,
            "%-10s %-9s %8s %8s %8s %8s %9s %9s %9s %7s %9s %8s %9s %8s %8s %8s %8s %8s %8s%n",
            "shape",
            "impl",
            "wts MB",
            "RSS MB",
            "anon MB",
            "heap MB",
            "prefill/s",
            "dec b1/s",
            "dec b8/s",
            "b8/b1",
            "bound b1",
            "b1/bound",
            "bound b8",
            "b8/bound",
            "pf8 sep",
            "pf8 jnt",
            "xbase pf",
            "xbase b1",
            "xbase b8"));
    for (Result r : results) {
      Result base = results.stream().filter(x -> x.shape().equals(r.shape())).findFirst().orElse(r);
      double bound = bandwidth / r.bytes();
      // a batch step reads the weights once and does 2 FLOP per weight per sequence
      double boundB = Math.min(settings.batch() * bound, computePeak / (2.0 * r.weights()));
      sb.append(
          String.format(
              Locale.ROOT,
              "%-10s %-9s %8.0f %8.0f %8.0f %8.0f %9.1f %9.2f %9.2f %7.2f %9.2f %8.2f %9.2f %8.2f"
                  + " %8.1f %8.1f %8.2f %8.2f %8.2f%n",
              r.shape().name(),
              r.backend(),
              r.bytes() / 1e6,
              r.memory().totalBytes() / 1e6,
              r.memory().anonBytes() / 1e6,
              r.memory().heapUsedBytes() / 1e6,
              r.prefill(),
              r.decode1(),
              r.decode8(),
              r.decode8() / r.decode1(),
              bound,
              r.decode1() / bound,
              boundB,
              r.decode8() / boundB,
              r.prefillSeparate8(),
              r.prefillJoint8(),
              r.prefill() / base.prefill(),
              r.decode1() / base.decode1(),
              r.decode8() / base.decode8()));
    }
    return sb.toString();
  }

  private static int[] tokens(Random rnd, int n, int vocab) {
    int[] t = new int[n];
    for (int i = 0; i < n; i++) {
      t[i] = rnd.nextInt(vocab);
    }
    return t;
  }

  private static double secondsSince(long t0) {
    return (System.nanoTime() - t0) / 1e9;
  }
}
