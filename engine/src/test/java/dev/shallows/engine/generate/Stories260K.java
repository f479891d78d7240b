package dev.shallows.engine.generate;

import dev.shallows.engine.Decoder;
import dev.shallows.engine.LlamaWeights;
import dev.shallows.store.Checkpoint;
import dev.shallows.store.SharedData;
import dev.shallows.store.TextTokenizer;
import dev.shallows.store.llama2c.Llama2cImporter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * Test fixture: the shared stories260K llama2.c checkpoint imported (once per JVM) into a temporary
 * HF model directory, with its tokenizer and weights loaded once and shared by the tests.
 */
public final class Stories260K {

  private static Path dir;
  private static TextTokenizer tokenizer;
  private static LlamaWeights weights;

  private Stories260K() {}

  /** The imported model directory (config.json, model.safetensors, tokenizer.json). */
  public static synchronized Path dir() {
    if (dir == null) {
      try {
        Path tmp = Files.createTempDirectory("stories260K-");
        Path out = tmp.resolve("model");
        Llama2cImporter.importModel(
            SharedData.resolve("llama2c/stories260K.bin"),
            SharedData.resolve("llama2c/tok512.bin"),
            out,
            false);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteTree(tmp)));
        dir = out;
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return dir;
  }

  public static synchronized TextTokenizer tokenizer() {
    if (tokenizer == null) {
      tokenizer = TextTokenizer.load(dir());
    }
    return tokenizer;
  }

  /**
   * Samples {@code seeds} replies to {@code prompt} at temperature 1 (seeds 0, 1, ...) with the
   * parameters {@code params} gives (a constraint, max_tokens) on a fresh decoder.
   */
  public static List<GenerationResult> sample(
      String prompt, int seeds, SamplingParams.Builder params) {
    TextTokenizer tok = tokenizer();
    List<GenerationResult> out = new ArrayList<>();
    try (Decoder decoder = DecoderKind.all().get(0).open()) {
      for (long seed = 0; seed < seeds; seed++) {
        SamplingParams p = params.temperature(1.0).seed(seed).build();
        out.add(new Generation(tok.encode(prompt, true), p, tok).run(decoder, null));
      }
    }
    return out;
  }

  /** The weights, loaded once and never closed (shared by every decoder the tests create). */
  public static synchronized LlamaWeights weights() {
    if (weights == null) {
      weights = LlamaWeights.load(Checkpoint.open(dir()));
    }
    return weights;
  }

  private static void deleteTree(Path root) {
    try (Stream<Path> s = Files.walk(root)) {
      s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException ignored) {
      // best effort at JVM exit
    }
  }
}
