package dev.shallows.server.admin;

import dev.shallows.server.config.ShallowsConfig;
import dev.shallows.server.error.ApiException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Dataset paths named in requests must lie under {@code shallows.evals.allowed-dirs}. */
public final class AllowedPaths {

  private AllowedPaths() {}

  /** The real path of {@code given}, or a 400 naming {@code param}. */
  public static Path check(ShallowsConfig config, String given, String param) {
    List<String> dirs = config.evals().allowedDirs().orElse(List.of());
    if (dirs.isEmpty()) {
      throw ApiException.badRequest(
          param, "file paths are disabled: set shallows.evals.allowed-dirs to allow a directory");
    }
    try {
      Path p = Path.of(given).toAbsolutePath().normalize();
      if (!Files.exists(p)) {
        throw ApiException.badRequest(param, "no such file: " + given);
      }
      Path real = p.toRealPath();
      for (String d : dirs) {
        Path root = Path.of(d).toAbsolutePath().normalize();
        if (Files.exists(root) && real.startsWith(root.toRealPath())) {
          return real;
        }
      }
    } catch (java.io.IOException | java.nio.file.InvalidPathException e) {
      throw ApiException.badRequest(param, "bad path: " + given);
    }
    throw ApiException.badRequest(param, "path is outside the allowed directories: " + given);
  }
}
