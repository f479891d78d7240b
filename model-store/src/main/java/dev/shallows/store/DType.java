package dev.shallows.store;

/** Element types of checkpoint tensors, with their safetensors names and widths. */
public enum DType {
  F32("F32", 4),
  F16("F16", 2),
  BF16("BF16", 2),
  /** int8 codes of a quantized weight (see the engine's QuantizedLayout). */
  I8("I8", 1),
  /** packed 4-bit codes of a quantized weight (see the engine's QuantizedLayout). */
  U8("U8", 1);

  private final String safetensorsName;
  private final int bytes;

  DType(String safetensorsName, int bytes) {
    this.safetensorsName = safetensorsName;
    this.bytes = bytes;
  }

  public String safetensorsName() {
    return safetensorsName;
  }

  public int bytes() {
    return bytes;
  }

  /** Parses a safetensors dtype string; other types (I64, U8...) are not model weights here. */
  public static DType fromSafetensors(String name) {
    for (DType t : values()) {
      if (t.safetensorsName.equals(name)) {
        return t;
      }
    }
    throw new IllegalArgumentException("unsupported safetensors dtype " + name);
  }
}
