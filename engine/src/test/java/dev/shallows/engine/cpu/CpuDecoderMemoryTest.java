package dev.shallows.engine.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shallows.engine.LlamaWeights;
import dev.shallows.engine.RandomModels;
import dev.shallows.engine.RandomModels.Spec;
import dev.shallows.engine.SequenceState;
import dev.shallows.store.Checkpoint;
import dev.shallows.store.DType;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.List;
import org.bytedeco.javacpp.Pointer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A long decode (thousands of steps, sequences opened and closed) over a small model must not grow
 * native memory (JavaCPP allocations, direct buffers, process RSS beyond the heap) or the live
 * heap.
 */
class CpuDecoderMemoryTest {

  @TempDir Path tmp;

  @Test
  void longDecodeDoesNotGrowMemory() {
    Spec s = RandomModels.small();
    Spec spec =
        new Spec(
            "mem",
            s.hidden(),
            s.intermediate(),
            2,
            s.heads(),
            s.kvHeads(),
            s.vocab(),
            4096,
            false,
            true,
            null,
            1,
            DType.F32,
            21);
    Path dir = RandomModels.write(tmp.resolve("mem"), spec);
    try (Checkpoint ck = Checkpoint.open(dir);
        CpuDecoder dec = new CpuDecoder(LlamaWeights.load(ck))) {
      run(dec, 4000); // warm up: JIT (its code cache and arenas live in RSS), scratch, OpenBLAS
      Snapshot before = Snapshot.take();
      int steps = run(dec, 3000);
      Snapshot mid = Snapshot.take();
      steps += run(dec, 3000);
      Snapshot after = Snapshot.take();
      steps += run(dec, 3000);
      Snapshot end = Snapshot.take();
      System.out.printf(
          "over %d decode steps: %s -> %s -> %s -> %s%n", steps, before, mid, after, end);
      assertEquals(before.javacpp, end.javacpp, "JavaCPP native bytes changed");
      assertEquals(before.direct, end.direct, "direct buffer bytes changed");
      assertTrue(
          end.heap - before.heap < 16 << 20, "live heap grew by " + (end.heap - before.heap));
      // RSS outside the heap must not grow in both later thirds: a per-step leak of even 1 KB
      // grows every third by 3 MB, while late JIT compilation (on a fast, idle machine the warm-up
      // can end before C2 does) shows up in one third only
      long growth1 = (after.rss - after.committed) - (mid.rss - mid.committed);
      long growth2 = (end.rss - end.committed) - (after.rss - after.committed);
      assertTrue(
          Math.min(growth1, growth2) < 3 << 20,
          "RSS outside the heap grew by " + growth1 + " and then " + growth2 + " bytes");
    }
  }

  /** Decodes {@code steps} tokens, two sequences at a time, reopening them every 1000 steps. */
  private static int run(CpuDecoder dec, int steps) {
    int done = 0;
    while (done < steps) {
      try (SequenceState a = dec.newSequence(1024);
          SequenceState b = dec.newSequence(1024)) {
        dec.prefill(a, new int[] {1, 5, 9}, false);
        dec.prefill(b, new int[] {3}, false);
        int[] next = {7, 11};
        for (int i = 0; i < 1000 && done < steps; i++, done += 2) {
          float[][] logits = dec.decode(List.of(a, b), next);
          next = new int[] {argmax(logits[0]), argmax(logits[1])};
        }
      }
    }
    return done;
  }

  private static int argmax(float[] v) {
    int best = 0;
    for (int i = 1; i < v.length; i++) {
      best = v[i] > v[best] ? i : best;
    }
    return best;
  }

  /** Memory figures at one moment, after a full GC. */
  private record Snapshot(long javacpp, long direct, long heap, long committed, long rss) {
    static Snapshot take() {
      for (int i = 0; i < 3; i++) {
        System.gc();
      }
      var heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
      long direct = 0;
      for (BufferPoolMXBean p : ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class)) {
        direct += p.getName().equals("direct") ? p.getMemoryUsed() : 0;
      }
      return new Snapshot(
          Pointer.totalBytes(),
          direct,
          heap.getUsed(),
          heap.getCommitted(),
          Pointer.physicalBytes());
    }
  }
}
