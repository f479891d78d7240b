package dev.shallows.engine.djl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shallows.engine.LlamaWeights;
import dev.shallows.engine.RandomModels;
import dev.shallows.engine.SequenceState;
import dev.shallows.store.Checkpoint;
import dev.shallows.store.DType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Native memory stays flat while decoding: after a warm-up, 1000 batched decode steps leave the
 * model's and the sequences' managers with the same number of arrays, and the process's resident
 * memory outside the Java heap grows by less than a bound far below what leaked temporaries would
 * cost.
 */
class DjlMemoryTest {

  @TempDir Path tmp;

  @Test
  void thousandDecodeStepsDoNotGrowNativeMemory() throws IOException {
    RandomModels.Spec spec =
        new RandomModels.Spec(
            "mem", 64, 128, 2, 4, 2, 256, 2048, false, true, null, 1, DType.F32, 8);
    try (Checkpoint ckpt = Checkpoint.open(RandomModels.write(tmp.resolve("m"), spec));
        DjlDecoder dec = new DjlDecoder(LlamaWeights.load(ckpt), ComputeSettings.cpu());
        SequenceState a = dec.newSequence(1300);
        SequenceState b = dec.newSequence(1300)) {
      DjlSequence sa = (DjlSequence) a;
      dec.prefill(a, new int[] {1, 2, 3}, false);
      dec.prefill(b, new int[] {4}, true);
      List<SequenceState> both = List.of(a, b);
      int[] next = {5, 6};
      for (int i = 0; i < 200; i++) { // warm-up: JIT, allocator arenas
        next = argmax(dec.decode(both, next));
      }
      int modelArrays = dec.model().manager().getManagedArrays().size();
      int seqArrays = sa.manager().getManagedArrays().size();
      long[] nativeKb = new long[3];
      nativeKb[0] = nativeKb();
      long t0 = System.nanoTime();
      for (int half = 1; half <= 2; half++) {
        for (int i = 0; i < 500; i++) {
          next = argmax(dec.decode(both, next));
        }
        nativeKb[half] = nativeKb();
      }
      double ms = (System.nanoTime() - t0) / 1e6;
      System.out.printf(
          "1000 batched decode steps (B=2): %.0f ms, model arrays %d -> %d, sequence arrays %d -> %d,"
              + " RSS outside the Java heap %d -> %d -> %d KiB%n",
          ms,
          modelArrays,
          dec.model().manager().getManagedArrays().size(),
          seqArrays,
          sa.manager().getManagedArrays().size(),
          nativeKb[0],
          nativeKb[1],
          nativeKb[2]);
      assertEquals(1203, a.length());
      assertEquals(modelArrays, dec.model().manager().getManagedArrays().size(), "model tier");
      assertEquals(seqArrays, sa.manager().getManagedArrays().size(), "sequence tier");
      // a leak grows linearly: leaking one step's temporaries (~170 arrays, tens of KiB) would add
      // > 8 MiB per 500 steps; allocator and JIT warm-up land in the first half, if anywhere
      long secondHalf = nativeKb[2] - nativeKb[1];
      assertTrue(
          secondHalf < 8 * 1024, "native memory grew by " + secondHalf + " KiB in 500 steps");
    }
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

  /** Process RSS minus the committed Java heap (which grows with garbage, not native memory). */
  private static long nativeKb() throws IOException {
    System.gc();
    try {
      Thread.sleep(100); // let cleaners of direct buffers run
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return rssKb() - Runtime.getRuntime().totalMemory() / 1024;
  }

  private static long rssKb() throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
      if (line.startsWith("VmRSS:")) {
        return Long.parseLong(line.replaceAll("[^0-9]", ""));
      }
    }
    throw new IllegalStateException("no VmRSS in /proc/self/status");
  }
}
