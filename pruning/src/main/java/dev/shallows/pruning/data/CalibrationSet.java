package dev.shallows.pruning.data;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Tokenized calibration sequences for the layer-distance analysis: one sequence per document,
 * truncated to a maximum length (the residual stream is read at each sequence's last token), with
 * documents shorter than a minimum skipped.
 *
 * @param description where the text came from, recorded in reports and manifests
 * @param sequences token ids (BOS included), each 2..maxTokens long
 */
public record CalibrationSet(String description, List<int[]> sequences) {

  /** Resource name of the built-in calibration text shipped with the pruning module. */
  public static final String DEFAULT_RESOURCE = "/dev/shallows/pruning/calibration-default.txt";

  public CalibrationSet {
    sequences = List.copyOf(sequences);
    if (sequences.isEmpty()) {
      throw new IllegalArgumentException("no calibration sequence (" + description + ")");
    }
  }

  /** Tokenizes documents; at most {@code maxSamples} sequences (≤ 0: all). */
  public static CalibrationSet of(
      String description,
      List<String> documents,
      TokenEncoder encoder,
      int maxTokens,
      int minTokens,
      int maxSamples) {
    List<int[]> seqs = new ArrayList<>();
    for (String doc : documents) {
      if (maxSamples > 0 && seqs.size() >= maxSamples) {
        break;
      }
      int[] ids = encoder.encode(doc);
      if (ids.length < Math.max(2, minTokens)) {
        continue;
      }
      seqs.add(ids.length > maxTokens ? Arrays.copyOf(ids, maxTokens) : ids);
    }
    String desc =
        description + " (" + seqs.size() + " sequences, at most " + maxTokens + " tokens each)";
    return new CalibrationSet(desc, seqs);
  }

  /** Calibration text from a file or directory (see {@link TextDocuments}). */
  public static CalibrationSet fromPath(
      Path data, TokenEncoder encoder, int maxTokens, int maxSamples) {
    List<String> docs = TextDocuments.read(data, 0);
    return of(data.toAbsolutePath().toString(), docs, encoder, maxTokens, 8, maxSamples);
  }

  /**
   * The built-in default: 30 short English paragraphs (simple stories and general expository text)
   * written for this project, shipped as {@value #DEFAULT_RESOURCE}.
   */
  public static CalibrationSet builtIn(TokenEncoder encoder, int maxTokens, int maxSamples) {
    try (InputStream in = CalibrationSet.class.getResourceAsStream(DEFAULT_RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException("missing resource " + DEFAULT_RESOURCE);
      }
      List<String> docs = TextDocuments.read(in, DEFAULT_RESOURCE, false, 0);
      return of(
          "built-in calibration text " + DEFAULT_RESOURCE, docs, encoder, maxTokens, 8, maxSamples);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
