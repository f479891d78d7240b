package dev.shallows.server;

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
 * shared data as the allowed dataset directory. One resource for every test: one Quarkus start.
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

  @Override
  public void stop() {}
}
