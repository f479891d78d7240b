package dev.shallows.pruning.eval;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * MMLU in the original format of Hendrycks et al.: per subject a CSV of {@code question,
 * choice0..3, answer} (answer 0-3 or A-D; an optional header row), k-shot examples from the dev
 * split, and the prompt "The following are multiple choice questions (with answers) about
 * SUBJECT.\n\n", each question followed by "\nA. ...\nB. ...\nC. ...\nD. ...\nAnswer:", scored on "
 * A".." D".
 *
 * <p>{@link #loadCloze} is the cloze formulation of the same questions (as small-model evaluations
 * use it, where letter answers sit at chance): no lettered list, each shot ends in its answer text,
 * and the four answer texts are scored as continuations of "\nAnswer:".
 *
 * <p>{@code data} may be the MMLU root (with {@code dev/} and {@code test/}), a directory of test
 * CSVs (dev examples from the sibling {@code dev/}), or one test CSV.
 */
public final class MmluTask {

  static final List<String> LETTERS = List.of("A", "B", "C", "D");

  private MmluTask() {}

  /** Loads the items; with {@code limit > 0} keeps that many, taken round-robin over subjects. */
  public static List<ChoiceItem> load(Path data, int shots, int limit) {
    return load(data, shots, limit, false);
  }

  /** The same questions in the cloze formulation: the answer texts are the continuations. */
  public static List<ChoiceItem> loadCloze(Path data, int shots, int limit) {
    return load(data, shots, limit, true);
  }

  private static List<ChoiceItem> load(Path data, int shots, int limit, boolean cloze) {
    List<Path> testFiles;
    Path devDir;
    if (Files.isDirectory(data) && Files.isDirectory(data.resolve("test"))) {
      testFiles = csvs(data.resolve("test"));
      devDir = data.resolve("dev");
    } else if (Files.isDirectory(data)) {
      testFiles = csvs(data);
      devDir = data.resolveSibling("dev");
    } else if (Files.isRegularFile(data)) {
      testFiles = List.of(data);
      devDir = data.toAbsolutePath().getParent().resolveSibling("dev");
    } else {
      throw new IllegalArgumentException("MMLU data not found: " + data);
    }
    if (testFiles.isEmpty()) {
      throw new IllegalArgumentException("no .csv files in " + data);
    }
    List<List<ChoiceItem>> bySubject = new ArrayList<>();
    for (Path f : testFiles) {
      String subject = subject(f);
      List<String> shotBlocks = new ArrayList<>();
      if (shots > 0) {
        Path dev = devDir.resolve(subject + "_dev.csv");
        if (!Files.isRegularFile(dev)) {
          throw new IllegalArgumentException(
              shots + "-shot MMLU needs dev examples, but " + dev + " does not exist");
        }
        for (String[] q : questions(dev)) {
          if (shotBlocks.size() == shots) {
            break;
          }
          shotBlocks.add(cloze ? clozeFormat(q, true) : format(q, true));
        }
      }
      String header =
          "The following are multiple choice questions (with answers) about "
              + subject.replace('_', ' ')
              + ".\n\n";
      List<ChoiceItem> items = new ArrayList<>();
      List<String[]> qs = questions(f);
      for (int i = 0; i < qs.size(); i++) {
        String[] q = qs.get(i);
        items.add(
            new ChoiceItem(
                subject + "/" + i,
                header,
                shotBlocks,
                cloze ? clozeFormat(q, false) : format(q, false),
                cloze
                    ? List.of(" " + q[1], " " + q[2], " " + q[3], " " + q[4])
                    : LETTERS.stream().map(l -> " " + l).toList(),
                answerIndex(q[5], f, i)));
      }
      bySubject.add(items);
    }
    return roundRobin(bySubject, limit);
  }

  /** Question + lettered choices + "\nAnswer:" (+ " X\n\n" for a solved example). */
  static String format(String[] q, boolean withAnswer) {
    StringBuilder sb = new StringBuilder(q[0]);
    for (int c = 0; c < 4; c++) {
      sb.append('\n').append(LETTERS.get(c)).append(". ").append(q[c + 1]);
    }
    sb.append("\nAnswer:");
    if (withAnswer) {
      sb.append(' ').append(LETTERS.get(answerIndex(q[5], null, -1))).append("\n\n");
    }
    return sb.toString();
  }

  /** Question + "\nAnswer:" (+ " answer text\n\n" for a solved example). */
  static String clozeFormat(String[] q, boolean withAnswer) {
    String s = q[0] + "\nAnswer:";
    return withAnswer ? s + " " + q[1 + answerIndex(q[5], null, -1)] + "\n\n" : s;
  }

  static int answerIndex(String a, Path file, int row) {
    String s = a.trim().toUpperCase(Locale.ROOT);
    int idx = LETTERS.indexOf(s);
    if (idx < 0 && s.matches("[0-3]")) {
      idx = Integer.parseInt(s);
    }
    if (idx < 0) {
      throw new IllegalArgumentException(
          (file == null ? "MMLU" : file + " row " + row) + ": bad answer '" + a + "'");
    }
    return idx;
  }

  /** Rows of a subject CSV as {question, c0, c1, c2, c3, answer}, header skipped. */
  static List<String[]> questions(Path f) {
    String text;
    try {
      text = Files.readString(f, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + f, e);
    }
    List<String[]> out = new ArrayList<>();
    List<List<String>> rows = Csv.parse(text, f.toString());
    for (int r = 0; r < rows.size(); r++) {
      List<String> row = rows.get(r);
      if (r == 0 && row.get(0).trim().equalsIgnoreCase("question")) {
        continue;
      }
      if (row.size() != 6) {
        throw new IllegalArgumentException(
            f
                + " row "
                + r
                + ": expected 6 fields (question, 4 choices, answer), got "
                + row.size());
      }
      out.add(row.toArray(String[]::new));
    }
    return out;
  }

  static String subject(Path f) {
    String n = f.getFileName().toString();
    for (String suffix : List.of("_test.csv", "_dev.csv", "_val.csv", ".csv")) {
      if (n.endsWith(suffix)) {
        return n.substring(0, n.length() - suffix.length());
      }
    }
    return n;
  }

  private static List<Path> csvs(Path dir) {
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(p -> p.getFileName().toString().endsWith(".csv")).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + dir, e);
    }
  }

  /** Interleaves groups (first of each, then second of each, ...) and keeps {@code limit}. */
  static List<ChoiceItem> roundRobin(List<List<ChoiceItem>> groups, int limit) {
    List<ChoiceItem> out = new ArrayList<>();
    int total = groups.stream().mapToInt(List::size).sum();
    int want = limit > 0 ? Math.min(limit, total) : total;
    for (int i = 0; out.size() < want; i++) {
      for (List<ChoiceItem> g : groups) {
        if (i < g.size() && out.size() < want) {
          out.add(g.get(i));
        }
      }
    }
    return out;
  }
}
