package dev.shallows.pruning.world;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * The knowledge evaluation sets of a world, in the formats of the shared MMLU and BoolQ data: an
 * MMLU-layout directory ({@code mmlu/dev/world_knowledge_dev.csv}, {@code
 * mmlu/test/world_knowledge_test.csv}; header {@code question,choice0..choice3,answer}) and a BoolQ
 * JSONL ({@code boolq/val.jsonl}, as in the shared BoolQ; {@code question, passage, idx, label}).
 * Questions use evaluation-only phrasings; MC answer positions and yes/no labels are balanced.
 */
public record EvalSets(
    List<Quiz.McItem> mcDev, List<Quiz.McItem> mcTest, List<Quiz.YesNoItem> yesNo) {

  public static final String MC_DEV = "mmlu/dev/" + Quiz.SUBJECT + "_dev.csv";
  public static final String MC_TEST = "mmlu/test/" + Quiz.SUBJECT + "_test.csv";
  public static final String YES_NO = "boolq/val.jsonl";

  /**
   * Draws {@code mcCount} test and {@code devCount} dev MC questions on distinct (person,
   * attribute) pairs, and {@code yesNoCount} yes/no questions (half true) on distinct pairs.
   */
  public static EvalSets generate(
      World w, Phrasebook book, int mcCount, int devCount, int yesNoCount) {
    int pairs = w.people().size() * Attribute.values().length;
    if (mcCount + devCount > pairs || yesNoCount > pairs) {
      throw new IllegalArgumentException(
          "the world has only " + pairs + " facts; ask for fewer questions");
    }
    Random r = Seeds.random(w.seed(), "eval");
    List<int[]> mcPairs = shuffledPairs(w, r);
    List<Quiz.McItem> test = mcItems(w, book, mcPairs.subList(0, mcCount), r);
    List<Quiz.McItem> dev = mcItems(w, book, mcPairs.subList(mcCount, mcCount + devCount), r);
    List<int[]> ynPairs = shuffledPairs(w, r).subList(0, yesNoCount);
    List<Quiz.YesNoItem> yn = new ArrayList<>();
    for (int i = 0; i < ynPairs.size(); i++) {
      int[] pa = ynPairs.get(i);
      boolean label = i < (yesNoCount + 1) / 2;
      yn.add(
          Quiz.yesNo(
              w,
              book,
              Phrasebook.Kind.EVAL_YESNO,
              w.people().get(pa[0]),
              Attribute.values()[pa[1]],
              label,
              r));
    }
    Collections.shuffle(yn, r);
    return new EvalSets(List.copyOf(dev), List.copyOf(test), List.copyOf(yn));
  }

  private static List<int[]> shuffledPairs(World w, Random r) {
    List<int[]> pairs = new ArrayList<>();
    for (int p = 0; p < w.people().size(); p++) {
      for (int a = 0; a < Attribute.values().length; a++) {
        pairs.add(new int[] {p, a});
      }
    }
    Collections.shuffle(pairs, r);
    return pairs;
  }

  /** MC items with answer positions dealt evenly over A-D (then shuffled). */
  private static List<Quiz.McItem> mcItems(World w, Phrasebook book, List<int[]> pairs, Random r) {
    List<Integer> positions = new ArrayList<>();
    for (int i = 0; i < pairs.size(); i++) {
      positions.add(i % 4);
    }
    Collections.shuffle(positions, r);
    List<Quiz.McItem> out = new ArrayList<>();
    for (int i = 0; i < pairs.size(); i++) {
      int[] pa = pairs.get(i);
      out.add(
          Quiz.mc(
              w,
              book,
              Phrasebook.Kind.EVAL,
              w.people().get(pa[0]),
              Attribute.values()[pa[1]],
              positions.get(i),
              r));
    }
    return out;
  }

  /** Writes the three files under {@code dir} (see the class comment for the layout). */
  public void write(Path dir) {
    try {
      writeCsv(dir.resolve(MC_DEV), mcDev);
      writeCsv(dir.resolve(MC_TEST), mcTest);
      ObjectMapper json = new ObjectMapper();
      StringBuilder s = new StringBuilder();
      for (int i = 0; i < yesNo.size(); i++) {
        Quiz.YesNoItem q = yesNo.get(i);
        ObjectNode o = json.createObjectNode();
        o.put("question", q.question());
        o.put("passage", q.passage());
        o.put("idx", i);
        o.put("label", Boolean.toString(q.label()));
        s.append(json.writeValueAsString(o)).append('\n');
      }
      Path yn = dir.resolve(YES_NO);
      Files.createDirectories(yn.getParent());
      Files.writeString(yn, s, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write eval sets to " + dir + ": " + e.getMessage(), e);
    }
  }

  private static void writeCsv(Path file, List<Quiz.McItem> items) throws IOException {
    StringBuilder s = new StringBuilder("question,choice0,choice1,choice2,choice3,answer\n");
    for (Quiz.McItem q : items) {
      s.append(csv(q.question()));
      for (String c : q.choices()) {
        s.append(',').append(csv(c));
      }
      s.append(',').append(q.answer()).append('\n');
    }
    Files.createDirectories(file.getParent());
    Files.writeString(file, s, StandardCharsets.UTF_8);
  }

  /** RFC 4180 quoting when a field has a comma, quote or line break. */
  static String csv(String field) {
    if (field.contains(",") || field.contains("\"") || field.contains("\n")) {
      return "\"" + field.replace("\"", "\"\"") + "\"";
    }
    return field;
  }
}
