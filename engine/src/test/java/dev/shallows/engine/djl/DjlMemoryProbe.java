package dev.shallows.engine.djl;

import dev.shallows.engine.LlamaWeights;
import dev.shallows.engine.RandomModels;
import dev.shallows.engine.SequenceState;
import dev.shallows.store.Checkpoint;
import dev.shallows.store.DType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Decodes many batched steps on a small random model and prints, after a warm-up and after each
 * window of steps, the process RSS and the array counts of the model and sequence managers. Run in
 * its own JVM by {@link DjlMemoryTest} with a fixed, pre-touched heap, so RSS changes are native.
 *
 * <p>Output lines: {@code window=W steps=N rss_kb=R model_arrays=M sequence_arrays=S ms=T}.
 */
public final class DjlMemoryProbe {

  private DjlMemoryProbe() {}

  public static void main(String[] args) throws IOException {
    int warmup = Integer.parseInt(args[0]);
    int window = Integer.parseInt(args[1]);
    int windows = Integer.parseInt(args[2]);
    RandomModels.Spec spec =
        new RandomModels.Spec(
            "mem", 64, 128, 2, 4, 2, 256, 4096, false, true, null, 1, DType.F32, 8);
    Path dir = RandomModels.write(Files.createTempDirectory("djl-memory-"), spec);
    int capacity = 4 + warmup + window * windows;
    try (Checkpoint ckpt = Checkpoint.open(dir);
        DjlDecoder dec = new DjlDecoder(LlamaWeights.load(ckpt), ComputeSettings.cpu());
        SequenceState a = dec.newSequence(capacity);
        SequenceState b = dec.newSequence(capacity)) {
      dec.prefill(a, new int[] {1, 2, 3}, false);
      dec.prefill(b, new int[] {4}, true);
      List<SequenceState> both = List.of(a, b);
      int[] next = {5, 6};
      for (int i = 0; i < warmup; i++) {
        next = argmax(dec.decode(both, next));
      }
      report(0, 0, dec, (DjlSequence) a, 0);
      for (int w = 1; w <= windows; w++) {
        long t0 = System.nanoTime();
        for (int i = 0; i < window; i++) {
          next = argmax(dec.decode(both, next));
        }
        report(w, window * w, dec, (DjlSequence) a, (System.nanoTime() - t0) / 1e6);
      }
    } finally {
      try (var files = Files.list(dir)) {
        for (Path f : files.toList()) {
          Files.delete(f);
        }
      }
      Files.delete(dir);
    }
  }

  private static void report(int w, int steps, DjlDecoder dec, DjlSequence s, double ms)
      throws IOException {
    System.gc();
    System.out.printf(
        "window=%d steps=%d rss_kb=%d model_arrays=%d sequence_arrays=%d ms=%.0f%n",
        w,
        steps,
        rssKb(),
        dec.model().manager().getManagedArrays().size(),
        s.manager().getManagedArrays().size(),
        ms);
    System.out.flush();
  }

  private static int[] argmax(float[][] logits) {
    int[] out = new int[logits.length];
    for (int b = 0; b < logits.length; b++) {
      for (int j = 1; j < logits[b].length; j++) {
        if (logits[b][j] > logits[b][out[b]]) {
          out[b] = j;
        }
      }
    }
    return out;
  }

  static long rssKb() throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
      if (line.startsWith("VmRSS:")) {
        return Long.parseLong(line.replaceAll("[^0-9]", ""));
      }
    }
    throw new IllegalStateException("no VmRSS in /proc/self/status");
  }
}
