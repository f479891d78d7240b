package dev.shallows.store;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.stream.Stream;

/** File-level helpers for writing a model directory derived from another (variants). */
public final class ModelFiles {

  private ModelFiles() {}

  /**
   * Copies the source's side files (tokenizer, generation config, ...) into {@code to}; weights,
   * {@code config.json} and the variant manifest are skipped because a variant rewrites them.
   */
  public static void copySideFiles(Path from, Path to) {
    try (Stream<Path> files = Files.list(from)) {
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        String n = f.getFileName().toString();
        boolean rewritten =
            n.endsWith(".safetensors")
                || n.equals("model.safetensors.index.json")
                || n.equals("config.json")
                || n.equals(VariantManifest.FILE_NAME);
        if (!rewritten) {
          Files.copy(f, to.resolve(n), StandardCopyOption.COPY_ATTRIBUTES);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot copy side files from " + from, e);
    }
  }
}
