package dev.shallows.cli;

import dev.shallows.pruning.data.CalibrationSet;
import dev.shallows.pruning.data.TokenEncoder;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Calibration-data options shared by {@code analyze}, {@code prune} and {@code sweep}. */
public final class CalibrationOptions {

  @Option(
      names = "--data",
      paramLabel = "FILE",
      description =
          "calibration text: .txt (paragraphs), .jsonl with {\"text\"} (C4 format) or a"
              + " directory of them; default: the built-in calibration text (30 paragraphs shipped in"
              + " the pruning module)")
  Path data;

  @Option(
      names = "--samples",
      defaultValue = "256",
      description = "most calibration sequences to use (default ${DEFAULT-VALUE})")
  int samples;

  @Option(
      names = "--max-tokens",
      defaultValue = "256",
      description =
          "tokens per calibration sequence, cut from its start (default ${DEFAULT-VALUE})")
  int maxTokens;

  /** Loads the calibration set, capped at the model's context length. */
  CalibrationSet load(TokenEncoder encoder, int contextLength) {
    int len = Math.min(maxTokens, contextLength);
    if (len < 2 || samples < 1) {
      throw new IllegalArgumentException("--max-tokens must be ≥ 2 and --samples ≥ 1");
    }
    return data == null
        ? CalibrationSet.builtIn(encoder, len, samples)
        : CalibrationSet.fromPath(data, encoder, len, samples);
  }
}
