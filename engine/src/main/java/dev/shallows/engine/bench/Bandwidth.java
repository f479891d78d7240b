package dev.shallows.engine.bench;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Measures the machine's memory read bandwidth now: {@code threads} threads each sum their share of
 * a buffer much larger than the last-level cache (Vector API, several accumulators), best of a few
 * passes. The decode bound of a model is then weight bytes per token ÷ this rate.
 */
public final class Bandwidth {

  private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;

  private Bandwidth() {}

  /** Bytes per second read from {@code buffers} (direct, native order) by {@code threads}. */
  public static double measure(List<ByteBuffer> buffers, int threads, int passes) {
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      long bytes = 0;
      List<List<ByteBuffer>> shares = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        shares.add(new ArrayList<>());
      }
      // split every buffer into one contiguous slice per thread
      for (ByteBuffer b : buffers) {
        int n = b.remaining() / 4 / threads / S.length() * S.length();
        for (int t = 0; t < threads; t++) {
          ByteBuffer slice =
              b.duplicate()
                  .position(b.position() + t * n * 4)
                  .limit(b.position() + (t + 1) * n * 4);
          shares.get(t).add(slice.slice().order(ByteOrder.nativeOrder()));
          bytes += n * 4L;
        }
      }
      double best = 0;
      double sink = 0;
      for (int p = 0; p < passes; p++) {
        List<Future<Double>> fs = new ArrayList<>();
        long t0 = System.nanoTime();
        for (List<ByteBuffer> share : shares) {
          Callable<Double> job = () -> sum(share);
          fs.add(pool.submit(job));
        }
        for (Future<Double> f : fs) {
          sink += f.get();
        }
        double s = (System.nanoTime() - t0) / 1e9;
        best = Math.max(best, bytes / s);
      }
      if (Double.isNaN(sink)) {
        System.err.println("(bandwidth sink is NaN)");
      }
      return best;
    } catch (Exception e) {
      throw new IllegalStateException("bandwidth measurement failed", e);
    } finally {
      pool.shutdownNow();
    }
  }

  /** A fresh direct buffer of {@code bytes} filled with small values (for a synthetic read). */
  public static ByteBuffer scratch(int bytes) {
    ByteBuffer b = ByteBuffer.allocateDirect(bytes).order(ByteOrder.nativeOrder());
    for (int i = 0; i + 4 <= bytes; i += 4) {
      b.putFloat(i, (i & 1023) * 1e-3f);
    }
    return b;
  }

  private static double sum(List<ByteBuffer> share) {
    double total = 0;
    for (ByteBuffer b : share) {
      int n = b.limit();
      int step = S.vectorByteSize();
      FloatVector a0 = FloatVector.zero(S);
      FloatVector a1 = FloatVector.zero(S);
      FloatVector a2 = FloatVector.zero(S);
      FloatVector a3 = FloatVector.zero(S);
      int i = 0;
      for (; i + 4 * step <= n; i += 4 * step) {
        a0 = a0.add(FloatVector.fromByteBuffer(S, b, i, ByteOrder.nativeOrder()));
        a1 = a1.add(FloatVector.fromByteBuffer(S, b, i + step, ByteOrder.nativeOrder()));
        a2 = a2.add(FloatVector.fromByteBuffer(S, b, i + 2 * step, ByteOrder.nativeOrder()));
        a3 = a3.add(FloatVector.fromByteBuffer(S, b, i + 3 * step, ByteOrder.nativeOrder()));
      }
      total += a0.add(a1).add(a2).add(a3).reduceLanes(VectorOperators.ADD);
    }
    return total;
  }
}
