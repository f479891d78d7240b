package dev.shallows.store;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Locates the project's shared data directory (the pretrained stories260K, evaluation sets and
 * corpora kept beside the repository, never inside it): system property {@code
 * shallows.shared.data}, then environment {@code SHALLOWS_SHARED_DATA}, then {@code ../shared/data}
 * from the working directory. Fails loudly when absent so that tests never pass silently without
 * it.
 */
public final class SharedData {

  private SharedData() {}

  /** The shared data directory; IllegalStateException with instructions if it is missing. */
  public static Path dir() {
    String prop = System.getProperty("shallows.shared.data");
    String env = System.getenv("SHALLOWS_SHARED_DATA");
    Path p =
        prop != null
            ? Path.of(prop)
            : env != null ? Path.of(env) : Path.of("..", "shared", "data").toAbsolutePath();
    if (!Files.isDirectory(p.resolve("llama2c"))) {
      throw new IllegalStateException(
          "shared data not found at "
              + p.toAbsolutePath().normalize()
              + " (expected llama2c/, eval/, mmlu/, corpus/). Set -Dshallows.shared.data=PATH or"
              + " SHALLOWS_SHARED_DATA to the directory described in shared/data/README.md.");
    }
    return p.toAbsolutePath().normalize();
  }

  /** A path inside the shared data directory, which must exist. */
  public static Path resolve(String relative) {
    Path p = dir().resolve(relative);
    if (!Files.exists(p)) {
      throw new IllegalStateException("shared data file missing: " + p);
    }
    return p;
  }
}
