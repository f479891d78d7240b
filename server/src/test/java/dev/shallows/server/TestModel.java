package dev.shallows.server;

import dev.shallows.pruning.Cancellation;
import dev.shallows.pruning.ProgressListener;
import dev.shallows.pruning.analysis.PruningPlan;
import dev.shallows.pruning.analysis.Strategy;
import dev.shallows.pruning.surgery.VariantWriter;
import dev.shallows.store.AtomicDirectory;
import dev.shallows.store.SharedData;
import dev.shallows.store.llama2c.Llama2cImporter;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Serves the real pretrained stories260K (llama2.c, imported to HF layout under target/) with a
 * fresh variants directory, an admin key, small batching limits (so 429 is reachable) and the
 * shared data as the allowed dataset directory. One resource for every test: one Quarkus start for
 * all classes but {@link StartupTest}, whose profile overrides some keys (a second start).
 */
public class TestModel implements QuarkusTestResourceLifecycleManager {

  public static final String MODEL = "stories";
  public static final String ADMIN_KEY = "test-admin-key";

  @Override
  public Map<String, String> start() {
    try {
      Path root = Path.of("target", "test-model").toAbsolutePath();
      Path model = root.resolve("stories260K");
      if (!Files.isRegularFile(model.resolve("config.json"))) {
        Llama2cImporter.importModel(
            SharedData.resolve("llama2c/stories260K.bin"),
            SharedData.resolve("llama2c/tok512.bin"),
            model,
            true);
      }
      Files.createDirectories(root);
      Path variants = Files.createTempDirectory(root, "variants-");
      startupVariants(model);
      return Map.of(
          "shallows.model.dir",
          model.toString(),
          "shallows.model.name",
          MODEL,
          "shallows.model.variants-dir",
          variants.toString(),
          "shallows.admin.api-key",
          ADMIN_KEY,
          "shallows.batching.max-batch-size",
          "2",
          "shallows.batching.queue-size",
          "4",
          "shallows.evals.allowed-dirs",
          SharedData.dir() + "," + root);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The variants directory of {@link StartupTest}'s profile (fixed: profiles cannot see this). */
  static Path startupDir() {
    return Path.of("target", "test-model", "startup-variants").toAbsolutePath();
  }

  /**
   * Leaves {@code pruned-1-last} in the startup profile's variants dir, as a previous run would.
   */
  private static void startupVariants(Path model) throws IOException {
    Path dir = startupDir();
    if (Files.exists(dir)) {
      AtomicDirectory.deleteTree(dir);
    }
    Files.createDirectories(dir);
    PruningPlan plan = PruningPlan.of(Strategy.LAST, new int[] {0, 1, 2, 3, 4}, 1, null);
    VariantWriter.write(
        model,
        plan,
        null,
        null,
        dir.resolve("pruned-1-last"),
        ProgressListener.NONE,
        Cancellation.none());
  }

  @Override
  public void stop() {}
}
