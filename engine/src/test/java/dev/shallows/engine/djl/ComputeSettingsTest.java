package dev.shallows.engine.djl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.types.DataType;
import org.junit.jupiter.api.Test;

/** Compute settings: BF16 is refused before any array exists, F16 only where it is usable. */
class ComputeSettingsTest {

  @Test
  void bf16IsRefusedEverywhere() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> new ComputeSettings(Device.cpu(), DataType.BFLOAT16));
    assertTrue(e.getMessage().contains("BF16"), e.getMessage());
    assertThrows(
        IllegalArgumentException.class, () -> new ComputeSettings(Device.cpu(), DataType.INT8));
    withProperty(
        "shallows.dtype",
        "bfloat16",
        () -> assertThrows(IllegalArgumentException.class, ComputeSettings::resolve));
  }

  @Test
  void resolvesDeviceAndDtypeFromProperties() {
    withProperty(
        "shallows.device",
        "cpu",
        () -> assertEquals(ComputeSettings.cpu(), ComputeSettings.resolve()));
    boolean gpu = Engine.getEngine("PyTorch").getGpuCount() > 0;
    withProperty(
        "shallows.device",
        "auto",
        () -> assertEquals(gpu, ComputeSettings.resolve().device().isGpu()));
    if (!gpu) {
      withProperty(
          "shallows.dtype",
          "float16",
          () ->
              assertThrows(
                  IllegalArgumentException.class, ComputeSettings::resolve)); // F16 needs a GPU
      withProperty(
          "shallows.device",
          "gpu",
          () -> assertThrows(IllegalStateException.class, ComputeSettings::resolve));
    }
    withProperty(
        "shallows.device",
        "tpu",
        () -> assertThrows(IllegalArgumentException.class, ComputeSettings::resolve));
  }

  @Test
  void environmentIsOfflineWithOneCacheDir() {
    DjlEnvironment.init();
    assertEquals("true", System.getProperty("ai.djl.offline"));
    assertEquals("PyTorch", Engine.getInstance().getEngineName());
    assertEquals(
        DjlEnvironment.cacheDir().toString(),
        System.getProperty("DJL_CACHE_DIR", System.getenv("DJL_CACHE_DIR")));
  }

  private static void withProperty(String key, String value, Runnable r) {
    String old = System.getProperty(key);
    System.setProperty(key, value);
    try {
      r.run();
    } finally {
      if (old == null) {
        System.clearProperty(key);
      } else {
        System.setProperty(key, old);
      }
    }
  }
}
