package dev.shallows.engine.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Measures the machine's peak F32 multiply-add rate now, as the Vector API reaches it: {@code
 * threads} threads each run independent FMA chains on registers only (no memory traffic), best of a
 * few passes. No matrix kernel can beat it, so batched decode's compute bound is this rate ÷ the
 * FLOPs per token (2 per weight).
 */
public final class ComputePeak {

  private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
  private static final long ITERATIONS = 20_000_000; // x 10 chains x 2 x lanes FLOP per thread

  private ComputePeak() {}

  /** FLOP/s of {@code threads} threads running FMAs from registers, best of {@code passes}. */
  public static double measure(int threads, int passes) {
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      chains(ITERATIONS / 10); // JIT-compile the loop first
      double best = 0;
      double sink = 0;
      for (int p = 0; p < passes; p++) {
        List<Future<Float>> fs = new ArrayList<>();
        long t0 = System.nanoTime();
        for (int t = 0; t < threads; t++) {
          fs.add(pool.submit(() -> chains(ITERATIONS)));
        }
        for (Future<Float> f : fs) {
          sink += f.get();
        }
        double s = (System.nanoTime() - t0) / 1e9;
        best = Math.max(best, threads * ITERATIONS * 10.0 * 2 * S.length() / s);
      }
      if (Double.isNaN(sink)) {
        System.err.println("(compute peak sink is NaN)");
      }
      return best;
    } catch (Exception e) {
      throw new IllegalStateException("compute peak measurement failed", e);
    } finally {
      pool.shutdownNow();
    }
  }

  /** Ten independent FMA chains (enough to cover the FMA latency on two pipes). */
  private static float chains(long n) {
    FloatVector m = FloatVector.broadcast(S, 0.999999f);
    FloatVector c = FloatVector.broadcast(S, 1e-7f);
    FloatVector a0 = FloatVector.broadcast(S, 1f);
    FloatVector a1 = a0;
    FloatVector a2 = a0;
    FloatVector a3 = a0;
    FloatVector a4 = a0;
    FloatVector a5 = a0;
    FloatVector a6 = a0;
    FloatVector a7 = a0;
    FloatVector a8 = a0;
    FloatVector a9 = a0;
    for (long i = 0; i < n; i++) {
      a0 = a0.fma(m, c);
      a1 = a1.fma(m, c);
      a2 = a2.fma(m, c);
      a3 = a3.fma(m, c);
      a4 = a4.fma(m, c);
      a5 = a5.fma(m, c);
      a6 = a6.fma(m, c);
      a7 = a7.fma(m, c);
      a8 = a8.fma(m, c);
      a9 = a9.fma(m, c);
    }
    return a0.add(a1)
        .add(a2)
        .add(a3)
        .add(a4)
        .add(a5)
        .add(a6)
        .add(a7)
        .add(a8)
        .add(a9)
        .reduceLanes(VectorOperators.ADD);
  }
}
