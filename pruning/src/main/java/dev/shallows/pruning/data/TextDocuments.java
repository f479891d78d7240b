package dev.shallows.pruning.data;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * Reads text documents for calibration, loss evaluation and training: a JSONL file in C4's format
 * (one {@code {"text": ...}} object per line), a plain-text file (documents separated by blank
 * lines), or a directory of such files (sorted by name). Training data may also hold
 * prompt-completion lines ({@code {"prompt": ..., "completion": ...}}, TRL's format), whose loss
 * counts only the completion.
 */
public final class TextDocuments {

  private static final ObjectMapper JSON = new ObjectMapper();

  private TextDocuments() {}

  /** Reads at most {@code limit} non-empty documents (limit ≤ 0: all) from a file or directory. */
  public static List<String> read(Path path, int limit) {
    return read(path, limit, TextDocuments::text, text -> text);
  }

  /**
   * Reads training documents: plain text (every token scored) and prompt-completion lines, at most
   * {@code limit} (≤ 0: all).
   */
  public static List<TrainingText> readTraining(Path path, int limit) {
    return read(path, limit, TextDocuments::trainingText, TrainingText::plain);
  }

  /** Reads documents from a stream; {@code name} is used in error messages. */
  public static List<String> read(InputStream in, String name, boolean jsonl, int limit)
      throws IOException {
    return read(in, name, jsonl, limit, TextDocuments::text, text -> text);
  }

  private static <T> List<T> read(
      Path path, int limit, JsonLine<T> fromJson, Function<String, T> fromParagraph) {
    if (Files.isDirectory(path)) {
      List<T> docs = new ArrayList<>();
      try (Stream<Path> files = Files.list(path)) {
        for (Path f : files.filter(TextDocuments::isText).sorted().toList()) {
          int left = limit > 0 ? limit - docs.size() : 0;
          docs.addAll(read(f, left, fromJson, fromParagraph));
          if (limit > 0 && docs.size() >= limit) {
            break;
          }
        }
      } catch (IOException e) {
        throw new UncheckedIOException("cannot list " + path, e);
      }
      if (docs.isEmpty()) {
        throw new IllegalArgumentException("no .txt or .jsonl documents in " + path);
      }
      return docs;
    }
    if (!Files.isRegularFile(path)) {
      throw new IllegalArgumentException("data file not found: " + path);
    }
    try (InputStream in = Files.newInputStream(path)) {
      return read(in, path.toString(), isJsonl(path), limit, fromJson, fromParagraph);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + path + ": " + e.getMessage(), e);
    }
  }

  private static <T> List<T> read(
      InputStream in,
      String name,
      boolean jsonl,
      int limit,
      JsonLine<T> fromJson,
      Function<String, T> fromParagraph)
      throws IOException {
    List<T> docs = new ArrayList<>();
    BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
    StringBuilder para = new StringBuilder();
    int lineNo = 0;
    for (String line = r.readLine(); line != null; line = r.readLine()) {
      lineNo++;
      if (limit > 0 && docs.size() >= limit) {
        break;
      }
      if (jsonl) {
        if (line.isBlank()) {
          continue;
        }
        JsonNode node;
        try {
          node = JSON.readTree(line);
        } catch (IOException e) {
          throw new IllegalArgumentException(name + ":" + lineNo + ": not a JSON object", e);
        }
        T doc = fromJson.parse(node, name + ":" + lineNo);
        if (doc != null) {
          docs.add(doc);
        }
      } else if (line.isBlank()) {
        flush(para, docs, fromParagraph);
      } else {
        if (para.length() > 0) {
          para.append('\n');
        }
        para.append(line.strip());
      }
    }
    if (limit <= 0 || docs.size() < limit) {
      flush(para, docs, fromParagraph);
    }
    if (docs.isEmpty()) {
      throw new IllegalArgumentException(name + " contains no text");
    }
    return docs;
  }

  /** One JSONL object as a document, or null to skip it (blank text). */
  @FunctionalInterface
  private interface JsonLine<T> {
    T parse(JsonNode node, String where);
  }

  /** A C4-style line: its "text" field. */
  private static String text(JsonNode node, String where) {
    String text = string(node, "text", where);
    return text.isBlank() ? null : text;
  }

  /** A training line: "prompt" + "completion", or "text" (scored whole). */
  private static TrainingText trainingText(JsonNode node, String where) {
    if (node.has("prompt") || node.has("completion")) {
      String completion = string(node, "completion", where);
      if (completion.isEmpty()) {
        throw new IllegalArgumentException(where + ": empty \"completion\"");
      }
      return new TrainingText(string(node, "prompt", where), completion);
    }
    String text = text(node, where);
    return text == null ? null : TrainingText.plain(text);
  }

  private static String string(JsonNode node, String field, String where) {
    JsonNode v = node.get(field);
    if (v == null || !v.isTextual()) {
      throw new IllegalArgumentException(where + ": no \"" + field + "\" string field");
    }
    return v.asText();
  }

  private static <T> void flush(StringBuilder para, List<T> docs, Function<String, T> make) {
    if (para.length() > 0) {
      docs.add(make.apply(para.toString()));
      para.setLength(0);
    }
  }

  private static boolean isJsonl(Path p) {
    String n = p.getFileName().toString();
    return n.endsWith(".jsonl") || n.endsWith(".json");
  }

  private static boolean isText(Path p) {
    String n = p.getFileName().toString();
    return Files.isRegularFile(p) && (n.endsWith(".txt") || n.endsWith(".jsonl"));
  }
}
