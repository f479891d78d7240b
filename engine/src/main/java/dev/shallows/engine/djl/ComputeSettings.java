package dev.shallows.engine.djl;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.types.DataType;
import java.util.Locale;

/**
 * Where and in which precision DJL computes: the device (CPU, or a GPU when DJL sees one) and the
 * compute dtype (FLOAT32 by default; FLOAT16 on GPU). BF16 is refused everywhere: any BF16 NDArray
 * aborts the JVM in DJL's PyTorch engine (stack notes, P1).
 *
 * <p>{@link #resolve()} reads {@code shallows.device} ({@code auto}|{@code cpu}|{@code gpu}) and
 * {@code shallows.dtype} ({@code float32}|{@code float16}) from system properties, then the
 * environment variables {@code SHALLOWS_DEVICE} / {@code SHALLOWS_DTYPE}.
 *
 * @param device where arrays live
 * @param dtype the dtype of weights and activations (logits are always returned as F32)
 */
public record ComputeSettings(Device device, DataType dtype) {

  public ComputeSettings {
    if (dtype == DataType.BFLOAT16) {
      throw new IllegalArgumentException(
          "BF16 compute is not possible: DJL's PyTorch engine aborts the JVM on BF16 arrays;"
              + " BF16 checkpoints are widened to F32 on load");
    }
    if (dtype != DataType.FLOAT32 && dtype != DataType.FLOAT16) {
      throw new IllegalArgumentException("compute dtype must be FLOAT32 or FLOAT16, not " + dtype);
    }
  }

  /** FLOAT32 on the CPU: the reference setting, used by tests and the CPU build. */
  public static ComputeSettings cpu() {
    return new ComputeSettings(Device.cpu(), DataType.FLOAT32);
  }

  /** The settings named by system properties / environment, defaulting to auto device and F32. */
  public static ComputeSettings resolve() {
    DjlEnvironment.init();
    String dev = setting("shallows.device", "SHALLOWS_DEVICE", "auto");
    String type = setting("shallows.dtype", "SHALLOWS_DTYPE", "float32");
    int gpus = Engine.getEngine("PyTorch").getGpuCount();
    Device device =
        switch (dev) {
          case "auto" -> gpus > 0 ? Device.gpu() : Device.cpu();
          case "cpu" -> Device.cpu();
          case "gpu" -> {
            if (gpus == 0) {
              throw new IllegalStateException(
                  "shallows.device=gpu but DJL sees no GPU (is a CUDA pytorch-native jar on the"
                      + " classpath? see README)");
            }
            yield Device.gpu();
          }
          default ->
              throw new IllegalArgumentException(
                  "shallows.device must be auto, cpu or gpu, not '" + dev + "'");
        };
    DataType dtype =
        switch (type) {
          case "float32", "f32" -> DataType.FLOAT32;
          case "float16", "f16" -> DataType.FLOAT16;
          case "bfloat16", "bf16" ->
              throw new IllegalArgumentException(
                  "shallows.dtype=bfloat16 is not possible with DJL's PyTorch engine (it aborts the"
                      + " JVM); use float32, or float16 on a GPU");
          default ->
              throw new IllegalArgumentException(
                  "shallows.dtype must be float32 or float16, not '" + type + "'");
        };
    if (dtype == DataType.FLOAT16 && !device.isGpu()) {
      throw new IllegalArgumentException(
          "shallows.dtype=float16 needs a GPU: F16 matmul on CPU runs at ~0.3 GFLOP/s");
    }
    return new ComputeSettings(device, dtype);
  }

  private static String setting(String prop, String env, String dflt) {
    String v = System.getProperty(prop);
    if (v == null || v.isBlank()) {
      v = System.getenv(env);
    }
    return v == null || v.isBlank() ? dflt : v.trim().toLowerCase(Locale.ROOT);
  }
}
