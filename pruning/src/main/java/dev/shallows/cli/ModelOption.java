package dev.shallows.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import picocli.CommandLine.Option;

/**
 * The {@code --model DIR} option shared by commands; when absent, the built-in model: the directory
 * under {@code model-store/models/} (of the repository root, {@code -Dshallows.repo.root} or the
 * working directory) that holds a config.json.
 */
public final class ModelOption {

  @Option(
      names = "--model",
      paramLabel = "DIR",
      description =
          "HF model directory (config.json, model.safetensors, tokenizer.json);"
              + " default: the built-in model under model-store/models/")
  Path model;

  /** The model directory, checked to exist. */
  public Path resolve() {
    Path dir = model != null ? model : builtIn();
    if (!Files.isRegularFile(dir.resolve("config.json"))) {
      throw new IllegalArgumentException("not a model directory (no config.json): " + dir);
    }
    return dir;
  }

  /** The built-in model directory; IllegalArgumentException if there is none yet. */
  public static Path builtIn() {
    Path root = Path.of(System.getProperty("shallows.repo.root", "."));
    Path models = root.resolve("model-store").resolve("models");
    if (Files.isDirectory(models)) {
      try (Stream<Path> s = Files.list(models)) {
        List<Path> found =
            s.filter(p -> Files.isRegularFile(p.resolve("config.json"))).sorted().toList();
        if (!found.isEmpty()) {
          return found.get(0);
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    throw new IllegalArgumentException(
        "no --model given and no built-in model found under "
            + models.toAbsolutePath().normalize());
  }
}
