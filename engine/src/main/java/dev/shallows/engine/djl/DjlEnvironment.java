package dev.shallows.engine.djl;

import ai.djl.engine.Engine;
import ai.djl.pytorch.jni.JniUtils;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place that configures DJL before its first use; every DJL entry point calls {@link
 * #init()} (idempotent). It sets, unless already given as a system property:
 *
 * <ul>
 *   <li>{@code ai.djl.offline=true}: nothing is ever downloaded (libtorch comes from the
 *       pytorch-native jar on the classpath);
 *   <li>{@code ai.djl.default_engine=PyTorch} (the tokenizers jar registers a second engine);
 *   <li>{@code DJL_CACHE_DIR} (where libtorch is extracted, ~450 MB): system property or
 *       environment {@code DJL_CACHE_DIR}, else {@code shallows.djl.cache} / {@code
 *       SHALLOWS_DJL_CACHE}, else {@code ~/.cache/shallows/djl};
 *   <li>threads: {@code ai.djl.pytorch.num_threads} from {@code shallows.djl.threads} / {@code
 *       SHALLOWS_DJL_THREADS} (default: all cores), and one inter-op thread. Run DJL with 1
 *       intra-op thread when OpenBLAS works at the same time (the pools oversubscribe the cores).
 * </ul>
 */
public final class DjlEnvironment {

  private static final Logger LOG = LoggerFactory.getLogger(DjlEnvironment.class);
  private static volatile boolean done;

  private DjlEnvironment() {}

  /** Applies the settings and loads the PyTorch engine once; later calls return at once. */
  public static void init() {
    if (done) {
      return;
    }
    synchronized (DjlEnvironment.class) {
      if (done) {
        return;
      }
      setIfAbsent("ai.djl.offline", "true");
      setIfAbsent("ai.djl.default_engine", "PyTorch");
      if (firstOf("DJL_CACHE_DIR", "DJL_CACHE_DIR") == null) {
        System.setProperty("DJL_CACHE_DIR", cacheDir().toString());
      }
      String threads = firstOf("shallows.djl.threads", "SHALLOWS_DJL_THREADS");
      if (threads != null) {
        System.setProperty("ai.djl.pytorch.num_threads", threads.trim());
      }
      setIfAbsent("ai.djl.pytorch.num_threads", "1");
      setIfAbsent("ai.djl.pytorch.num_interop_threads", "1");
      Engine engine = Engine.getEngine("PyTorch");
      // the engine may have been started before (without these settings): apply them anyway
      threads(Integer.parseInt(System.getProperty("ai.djl.pytorch.num_threads").trim()));
      LOG.info(
          "DJL {} {} ready (cache {}, offline {})",
          engine.getEngineName(),
          engine.getVersion(),
          System.getProperty("DJL_CACHE_DIR", System.getenv("DJL_CACHE_DIR")),
          System.getProperty("ai.djl.offline"));
      done = true;
    }
  }

  /**
   * Sets PyTorch's intra-op thread count for this process (e.g. 2 for training on an otherwise idle
   * 2-core machine, 1 while OpenBLAS decodes). Effective at once.
   */
  public static void threads(int n) {
    if (n < 1) {
      throw new IllegalArgumentException("thread count must be >= 1, got " + n);
    }
    Engine.getEngine("PyTorch");
    if (JniUtils.getNumThreads() != n) {
      JniUtils.setNumThreads(n);
    }
  }

  /** The DJL cache directory this process uses (or will use once {@link #init()} ran). */
  public static Path cacheDir() {
    String explicit = firstOf("DJL_CACHE_DIR", "DJL_CACHE_DIR");
    if (explicit == null) {
      explicit = firstOf("shallows.djl.cache", "SHALLOWS_DJL_CACHE");
    }
    return explicit != null
        ? Path.of(explicit)
        : Path.of(System.getProperty("user.home"), ".cache", "shallows", "djl");
  }

  private static void setIfAbsent(String key, String value) {
    if (System.getProperty(key) == null) {
      System.setProperty(key, value);
    }
  }

  private static String firstOf(String prop, String env) {
    String v = System.getProperty(prop);
    if (v == null || v.isBlank()) {
      v = System.getenv(env);
    }
    return v == null || v.isBlank() ? null : v;
  }
}
