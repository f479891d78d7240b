package dev.shallows.pruning.eval;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * BoolQ and ARC from their JSONL files. BoolQ ({@code {passage, question, label}}): the prompt
 * "PASSAGE\nQuestion: QUESTION?\nAnswer:" scored on " no" / " yes" (zero-shot, as in common
 * harnesses). ARC ({@code {id, question: {stem, choices: [{text, label}]}, answerKey}}): the MMLU
 * letter format about "science", scored on the choice labels, k-shot from the sibling Dev file.
 */
public final class JsonlTasks {

  private static final ObjectMapper JSON = new ObjectMapper();

  private JsonlTasks() {}

  /** BoolQ items from a JSONL file (or a directory holding val.jsonl). */
  public static List<ChoiceItem> boolq(Path data, int shots, int limit) {
    if (shots > 0) {
      throw new IllegalArgumentException("boolq is evaluated zero-shot; drop --shots");
    }
    Path file = Files.isDirectory(data) ? data.resolve("val.jsonl") : data;
    List<ChoiceItem> items = new ArrayList<>();
    int row = 0;
    for (JsonNode j : lines(file, limit)) {
      String passage = field(j, "passage", file, row);
      String question = field(j, "question", file, row).strip();
      JsonNode label = j.get("label");
      if (label == null) {
        label = j.get("answer");
      }
      if (label == null) {
        throw new IllegalArgumentException(file + " row " + row + ": no label");
      }
      boolean yes = label.isBoolean() ? label.asBoolean() : label.asText().equalsIgnoreCase("true");
      String id = j.has("idx") ? "boolq/" + j.get("idx").asText() : "boolq/" + row;
      if (!question.endsWith("?")) {
        question = question + "?";
      }
      items.add(
          new ChoiceItem(
              id,
              "",
              List.of(),
              passage + "\nQuestion: " + question + "\nAnswer:",
              List.of(" no", " yes"),
              yes ? 1 : 0));
      row++;
    }
    return items;
  }

  /** ARC items from a JSONL file, or every {@code *-Test.jsonl} of a directory. */
  public static List<ChoiceItem> arc(Path data, int shots, int limit) {
    List<Path> files;
    if (Files.isDirectory(data)) {
      try (Stream<Path> s = Files.list(data)) {
        files = s.filter(p -> p.getFileName().toString().endsWith("-Test.jsonl")).sorted().toList();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      if (files.isEmpty()) {
        throw new IllegalArgumentException("no *-Test.jsonl files in " + data);
      }
    } else {
      files = List.of(data);
    }
    String header = "The following are multiple choice questions (with answers) about science.\n\n";
    List<List<ChoiceItem>> groups = new ArrayList<>();
    for (Path f : files) {
      List<String> shotBlocks = new ArrayList<>();
      if (shots > 0) {
        String name = f.getFileName().toString();
        Path dev = f.resolveSibling(name.replace("-Test.", "-Dev."));
        if (dev.equals(f) || !Files.isRegularFile(dev)) {
          throw new IllegalArgumentException(
              shots + "-shot ARC needs a sibling *-Dev.jsonl next to " + f);
        }
        for (JsonNode j : lines(dev, shots)) {
          Arc a = arcRow(j, dev, shotBlocks.size());
          shotBlocks.add(a.query + " " + a.labels.get(a.answer) + "\n\n");
        }
      }
      List<ChoiceItem> items = new ArrayList<>();
      int row = 0;
      for (JsonNode j : lines(f, 0)) {
        Arc a = arcRow(j, f, row++);
        items.add(
            new ChoiceItem(
                a.id,
                header,
                shotBlocks,
                a.query,
                a.labels.stream().map(l -> " " + l).toList(),
                a.answer));
      }
      groups.add(items);
    }
    return MmluTask.roundRobin(groups, limit);
  }

  private record Arc(String id, String query, List<String> labels, int answer) {}

  private static Arc arcRow(JsonNode j, Path f, int row) {
    JsonNode q = j.path("question");
    String stem = field(q, "stem", f, row);
    StringBuilder sb = new StringBuilder(stem);
    List<String> labels = new ArrayList<>();
    for (JsonNode c : q.path("choices")) {
      String label = c.path("label").asText();
      labels.add(label);
      sb.append('\n').append(label).append(". ").append(c.path("text").asText());
    }
    sb.append("\nAnswer:");
    int answer = labels.indexOf(j.path("answerKey").asText());
    if (labels.size() < 2 || answer < 0) {
      throw new IllegalArgumentException(f + " row " + row + ": bad choices or answerKey");
    }
    String id = j.has("id") ? "arc/" + j.get("id").asText() : "arc/" + f.getFileName() + "/" + row;
    return new Arc(id, sb.toString(), labels, answer);
  }

  private static String field(JsonNode j, String name, Path f, int row) {
    JsonNode v = j.get(name);
    if (v == null || !v.isTextual()) {
      throw new IllegalArgumentException(f + " row " + row + ": no \"" + name + "\" string field");
    }
    return v.asText();
  }

  private static List<JsonNode> lines(Path file, int limit) {
    if (!Files.isRegularFile(file)) {
      throw new IllegalArgumentException("data file not found: " + file);
    }
    List<JsonNode> out = new ArrayList<>();
    try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      int lineNo = 0;
      for (String line = r.readLine(); line != null; line = r.readLine()) {
        lineNo++;
        if (line.isBlank()) {
          continue;
        }
        if (limit > 0 && out.size() >= limit) {
          break;
        }
        try {
          out.add(JSON.readTree(line));
        } catch (IOException e) {
          throw new IllegalArgumentException(file + ":" + lineNo + ": not valid JSON", e);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
    return out;
  }
}
