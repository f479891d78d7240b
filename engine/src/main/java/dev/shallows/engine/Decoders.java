package dev.shallows.engine;

import dev.shallows.engine.cpu.CpuDecoder;
import dev.shallows.engine.djl.ComputeSettings;
import dev.shallows.engine.djl.DjlDecoder;
import java.util.Locale;

/**
 * The single place that chooses a {@link Decoder} implementation for a model, by device and by the
 * batch sizes it will serve. A decoder is chosen per model view rather than per call because each
 * implementation keeps its own KV-cache layout in its {@link SequenceState}s.
 *
 * <p>System property {@code shallows.decoder} (or environment {@code SHALLOWS_DECODER}) forces a
 * kind: {@code auto} (default), {@code djl} or {@code cpu}.
 */
public final class Decoders {

  /** The available implementations. */
  public enum Kind {
    /**
     * DJL NDArray ops ({@link DjlDecoder}): the reference, the GPU path, and what training uses.
     */
    DJL,
    /** Java + OpenBLAS on memory-mapped weights ({@code CpuDecoder}): the CPU fast path. */
    CPU
  }

  private Decoders() {}

  /** A decoder for {@code weights}, chosen for serving batches of up to {@code maxBatch}. */
  public static Decoder create(LlamaWeights weights, int maxBatch) {
    ComputeSettings compute = ComputeSettings.resolve();
    return create(weights, choose(compute, maxBatch), compute);
  }

  /** A decoder of the given kind. */
  public static Decoder create(LlamaWeights weights, Kind kind, ComputeSettings compute) {
    return switch (kind) {
      case DJL -> new DjlDecoder(weights, compute);
      case CPU -> new CpuDecoder(weights);
    };
  }

  /**
   * Which implementation serves a model on this device at batches up to {@code maxBatch}: a forced
   * kind if configured, DJL on a GPU, and on a CPU the CPU fast path.
   */
  public static Kind choose(ComputeSettings compute, int maxBatch) {
    String forced = System.getProperty("shallows.decoder", System.getenv("SHALLOWS_DECODER"));
    if (forced != null && !forced.isBlank() && !forced.equalsIgnoreCase("auto")) {
      try {
        return Kind.valueOf(forced.trim().toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(
            "shallows.decoder must be auto, djl or cpu, not '" + forced + "'", e);
      }
    }
    if (compute.device().isGpu()) {
      return Kind.DJL;
    }
    return Kind.CPU; // OpenBLAS sgemv/sgemm beat stock DJL matmul on CPU at every batch size
  }
}
