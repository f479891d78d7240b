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
import java.util.stream.Stream;

/**
 * Reads text documents for calibration, loss evaluation and healing: a JSONL file in C4's format
 * (one {@code {"text": ...}} object per line), a plain-text file (documents separated by blank
 * lines), or a directory of such files (sorted by name).
 */
public final class TextDocuments {

  private static final ObjectMapper JSON = new ObjectMapper();

  private TextDocuments() {}

  /** Reads at most {@code limit} non-empty documents (limit ≤ 0: all) from a file or directory. */
  public static List<String> read(Path path, int limit) {
    if (Files.isDirectory(path)) {
      List<String> docs = new ArrayList<>();
      try (Stream<Path> files = Files.list(path)) {
        for (Path f : files.filter(TextDocuments::isText).sorted().toList()) {
          int left = limit > 0 ? limit - docs.size() : 0;
          docs.addAll(read(f, left));
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
      return read(in, path.toString(), isJsonl(path), limit);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + path + ": " + e.getMessage(), e);
    }
  }

  /** Reads documents from a stream; {@code name} is used in error messages. */
  public static List<String> read(InputStream in, String name, boolean jsonl, int limit)
      throws IOException {
    List<String> docs = new ArrayList<>();
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
        JsonNode text = node.get("text");
        if (text == null || !text.isTextual()) {
          throw new IllegalArgumentException(name + ":" + lineNo + ": no \"text\" string field");
        }
        if (!text.asText().isBlank()) {
          docs.add(text.asText());
        }
      } else if (line.isBlank()) {
        flush(para, docs);
      } else {
        if (para.length() > 0) {
          para.append('\n');
        }
        para.append(line.strip());
      }
    }
    if (limit <= 0 || docs.size() < limit) {
      flush(para, docs);
    }
    if (docs.isEmpty()) {
      throw new IllegalArgumentException(name + " contains no text");
    }
    return docs;
  }

  private static void flush(StringBuilder para, List<String> docs) {
    if (para.length() > 0) {
      docs.add(para.toString());
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
