package dev.shallows.engine.cpu.kernels;

import com.fasterxml.jackson.databind.JsonNode;
import dev.shallows.store.LlamaConfig;
import java.util.Locale;

/**
 * The element format the CPU decoder keeps its linear-layer weights in. Chosen per model view at
 * load time: system property {@code shallows.weights} (or environment {@code SHALLOWS_WEIGHTS})
 * when set to anything but {@code auto}, else the {@code quantization.format} of the model's
 * config.json (written by {@code shallows quantize}), else F32.
 */
public enum WeightFormat {
  /** F32 as mapped: OpenBLAS sgemv / the F32 skinny GEMM (4 bytes per weight). */
  F32(4.0),
  /** BF16 pairs in ints, widened by shift / mask (2 bytes per weight). */
  BF16(2.0),
  /** Weight-only int8, symmetric, one F32 scale per row (1 byte per weight + 4 per row). */
  INT8(1.0),
  /** 4-bit NormalFloat, absmax blocks of 64 values within a row (0.5 + 4/64 bytes per weight). */
  NF4(0.5625);

  private final double bytesPerWeight;

  WeightFormat(double bytesPerWeight) {
    this.bytesPerWeight = bytesPerWeight;
  }

  /** Approximate bytes per weight (scales included), for reports. */
  public double bytesPerWeight() {
    return bytesPerWeight;
  }

  /** Lower-case name as used on the command line and in config.json. */
  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Parses f32, bf16, int8 or nf4 (any case). */
  public static WeightFormat parse(String s) {
    try {
      return valueOf(s.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "weight format must be f32, bf16, int8 or nf4, not '" + s + "'", e);
    }
  }

  /** The format stored in a config's {@code quantization} block, or null if it has none. */
  public static WeightFormat stored(LlamaConfig c) {
    JsonNode q = c.raw() == null ? null : c.raw().get("quantization");
    if (q == null || !q.hasNonNull("format")) {
      return null;
    }
    return parse(q.get("format").asText());
  }

  /** The format for a model: the forced setting, else the stored one, else F32. */
  public static WeightFormat resolve(LlamaConfig c) {
    String forced = System.getProperty("shallows.weights", System.getenv("SHALLOWS_WEIGHTS"));
    if (forced != null && !forced.isBlank() && !forced.equalsIgnoreCase("auto")) {
      return parse(forced);
    }
    WeightFormat stored = stored(c);
    return stored != null ? stored : F32;
  }
}
