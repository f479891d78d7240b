package dev.shallows.pruning.world;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.shallows.pruning.data.TextDocuments;
import dev.shallows.pruning.eval.ChoiceItem;
import dev.shallows.pruning.eval.JsonlTasks;
import dev.shallows.pruning.eval.MmluTask;
import dev.shallows.store.SharedData;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Builds a small world once and checks the outputs: determinism, the eval files through the
 * project's MMLU/BoolQ readers, answers against the world's facts, balance, no verbatim eval
 * phrasing in the corpus, and the trained tokenizer.
 */
class WorldBuildTest {

  @TempDir static Path tmp;
  static Path out;
  static World world;
  static String corpusLower;

  static WorldBuild small(long seed) {
    return new WorldBuild(
        seed,
        40,
        new WorldCorpus(3, 1, 1, 2, 1, 1),
        40_000,
        10_000,
        700,
        100,
        5,
        100,
        SharedData.resolve("corpus"),
        8);
  }

  @BeforeAll
  static void build() {
    out = tmp.resolve("a");
    small(7).write(out, line -> {});
    world = World.generate(7, 40);
    corpusLower =
        String.join("\n", TextDocuments.read(out.resolve(WorldBuild.TRAIN), 0))
            .toLowerCase(Locale.ROOT);
  }

  @Test
  void inContextQuestionsStateTheirAnswerJustBefore() {
    int blocks = 0;
    for (String doc : TextDocuments.read(out.resolve(WorldBuild.TRAIN), 0)) {
      if (!doc.startsWith(Quiz.mmluHeader())) {
        continue;
      }
      for (String block : doc.substring(Quiz.mmluHeader().length()).split("\n\n")) {
        String[] lines = block.split("\n");
        if (lines.length != 7) {
          continue; // a closed-book block: question, 4 choices, answer
        }
        int answer = Quiz.LETTERS.indexOf(lines[6].charAt(lines[6].length() - 1));
        String truth = lines[2 + answer].substring(3); // "B. value"
        assertTrue(
            lines[0].toLowerCase(Locale.ROOT).contains(truth.toLowerCase(Locale.ROOT)),
            lines[0] + " does not state " + truth);
        blocks++;
      }
    }
    assertEquals(40 * Attribute.values().length, blocks, "one in-context question per fact");
  }

  @Test
  void sameSeedGivesTheSameBytesAndAnotherSeedDoesNot() throws Exception {
    Path again = tmp.resolve("b");
    small(7).write(again, line -> {});
    List<Path> files = files(out);
    assertEquals(files, files(again).stream().map(p -> out.resolve(again.relativize(p))).toList());
    assertTrue(files.size() >= 9, "files: " + files);
    for (Path f : files) {
      assertArrayEquals(
          Files.readAllBytes(f), Files.readAllBytes(again.resolve(out.relativize(f))), "" + f);
    }
    Path other = tmp.resolve("c");
    new WorldBuild(
            8,
            40,
            new WorldCorpus(1, 0, 0, 0, 0, 0),
            0,
            0,
            300,
            10,
            1,
            10,
            SharedData.resolve("corpus"),
            0)
        .write(other, line -> {});
    assertNotEquals(
        Files.readString(out.resolve("world.json")), Files.readString(other.resolve("world.json")));
  }

  @Test
  void openQuestionsAreAnsweredWithTheTrueValue() {
    List<String> docs = TextDocuments.read(out.resolve(WorldBuild.WORLD_PART), 0);
    int open = 0;
    for (String d : docs) {
      if (!d.startsWith(Quiz.mmluHeader()) || d.contains("\nA. ")) {
        continue; // not an open-question document
      }
      for (String block : d.substring(Quiz.mmluHeader().length()).split("\n\n")) {
        String[] qa = block.split("\nAnswer: ");
        Person p =
            world.people().stream().filter(x -> qa[0].contains(x.name())).findFirst().orElseThrow();
        assertTrue(p.facts().containsValue(qa[1]), block);
        open++;
      }
    }
    assertEquals(40 * Attribute.values().length, open, "one open question per fact");
  }

  @Test
  void warmupPartIsAboutTheFirstPeopleOnly() {
    List<String> warmup = TextDocuments.read(out.resolve(WorldBuild.WARMUP_PART), 0);
    String text = String.join("\n", warmup);
    List<Person> people = world.people();
    for (int i = 0; i < people.size(); i++) {
      assertEquals(
          i < 8, text.contains(people.get(i).name()), people.get(i).name() + " (person " + i + ")");
    }
    // same corpus settings as the full world: 3 bios + 1 card per person, 1 MC + 2 yes/no per fact
    long cards = warmup.stream().filter(d -> d.contains("\nEmployer: ")).count();
    assertEquals(8, cards);
    assertTrue(Files.notExists(tmp.resolve("c").resolve(WorldBuild.WARMUP_PART)));
  }

  private static List<Path> files(Path dir) throws Exception {
    try (Stream<Path> s = Files.walk(dir)) {
      return s.filter(Files::isRegularFile).sorted().toList();
    }
  }

  @Test
  void multipleChoiceSetsParseAsMmluAndEveryAnswerIsAFactOfTheWorld() {
    List<ChoiceItem> test = MmluTask.load(out.resolve("eval/mmlu"), 5, 0);
    assertEquals(100, test.size());
    assertEquals(5, test.get(0).shots().size(), "5-shot prompts from the dev split");
    int[] positions = new int[4];
    Map<String, Person> byName = world.byName();
    for (ChoiceItem item : test) {
      assertTrue(item.header().contains("about world knowledge."), item.header());
      String[] lines = item.query().split("\n");
      assertEquals(6, lines.length, item.query());
      Person p = onlyPersonIn(lines[0], byName);
      List<String> choices = new ArrayList<>();
      for (int c = 0; c < 4; c++) {
        choices.add(lines[c + 1].substring(3)); // "A. value"
      }
      String truth = choices.get(item.answer());
      Attribute a = attributeOf(truth);
      assertEquals(p.fact(a), truth, item.query());
      for (String c : choices) {
        assertEquals(a, attributeOf(c), "distractors come from the same attribute");
      }
      assertEquals(4, choices.stream().distinct().count());
      positions[item.answer()]++;
    }
    for (int n : positions) {
      assertEquals(25, n, "answer positions are balanced: " + java.util.Arrays.toString(positions));
    }
  }

  @Test
  void yesNoSetParsesAsBoolqIsBalancedAndLabelsMatchTheWorld() throws Exception {
    List<ChoiceItem> items = JsonlTasks.boolq(out.resolve("eval/boolq"), 0, 0);
    assertEquals(100, items.size());
    assertEquals(50, items.stream().filter(i -> i.answer() == 1).count(), "half are true");
    Map<String, Person> byName = world.byName();
    ObjectMapper json = new ObjectMapper();
    List<String> raw = Files.readAllLines(out.resolve("eval").resolve(EvalSets.YES_NO));
    for (int i = 0; i < items.size(); i++) {
      var row = json.readTree(raw.get(i));
      assertEquals(i, row.get("idx").asInt());
      assertTrue(row.get("label").asText().matches("true|false"));
      String question = row.get("question").asText();
      Person p = onlyPersonIn(question, byName);
      String value = longestValueIn(question);
      Attribute a = attributeOf(value);
      boolean truth = p.fact(a).equals(value);
      assertEquals(truth, items.get(i).answer() == 1, question);
      assertEquals(truth, row.get("label").asText().equals("true"));
      String passage = row.get("passage").asText();
      assertTrue(passage.startsWith(p.name() + " -- "), passage);
      assertFalse(passage.contains(p.fact(a)), "the passage must not give the answer: " + passage);
    }
  }

  @Test
  void evaluationPhrasingsNeverAppearVerbatimInTheTrainingCorpus() throws Exception {
    List<String> questions = new ArrayList<>();
    for (String f : List.of(EvalSets.MC_TEST, EvalSets.MC_DEV)) {
      for (String line : Files.readAllLines(out.resolve("eval").resolve(f)).subList(1, 6)) {
        questions.add(line.substring(0, line.indexOf('?')));
      }
    }
    ObjectMapper json = new ObjectMapper();
    for (String line : Files.readAllLines(out.resolve("eval").resolve(EvalSets.YES_NO))) {
      questions.add(json.readTree(line).get("question").asText());
    }
    for (String q : questions) {
      assertFalse(corpusLower.contains(q.toLowerCase(Locale.ROOT)), "seen verbatim: " + q);
    }
    // ... while the facts themselves are in the corpus, in every person's biographies.
    for (Person p : world.people()) {
      assertTrue(corpusLower.contains(p.name().toLowerCase(Locale.ROOT) + "\n"), p.name());
    }
    // The eval templates are disjoint from the training templates for every attribute.
    Phrasebook book = new Phrasebook();
    for (Attribute a : Attribute.values()) {
      for (Phrasebook.Kind k : List.of(Phrasebook.Kind.EVAL, Phrasebook.Kind.EVAL_YESNO)) {
        for (String t : book.templates(a, k)) {
          for (Phrasebook.Kind train : List.of(Phrasebook.Kind.QUIZ, Phrasebook.Kind.YESNO)) {
            assertFalse(book.templates(a, train).contains(t), t);
          }
        }
      }
    }
  }

  @Test
  void trainedTokenizerRoundTripsTheCorpusAndCompressesIt() throws Exception {
    List<String> docs = TextDocuments.read(out.resolve(WorldBuild.TRAIN), 50);
    try (HuggingFaceTokenizer tok =
        HuggingFaceTokenizer.newInstance(
            out.resolve(WorldBuild.TOKENIZER).resolve("tokenizer.json"),
            Map.of("truncation", "false", "padding", "false"))) {
      long bytes = 0;
      long tokens = 0;
      for (String d : docs) {
        long[] ids = tok.encode(d, false, false).getIds();
        assertEquals(d, tok.decode(ids, false));
        bytes += d.getBytes(StandardCharsets.UTF_8).length;
        tokens += ids.length;
      }
      assertTrue(tokens < 0.45 * bytes, tokens + " tokens for " + bytes + " bytes");
    }
    var manifest = new ObjectMapper().readTree(out.resolve("manifest.json").toFile());
    assertEquals(700, manifest.path("tokens").path("vocab_size").asInt());
    assertTrue(manifest.path("tokens").path("world").asLong() > 10_000);
  }

  @Test
  void worldValuesAreDisjointDealtEvenlyAndNamesUnique() {
    World w = World.generate(3, 120);
    assertEquals(120, w.byName().size(), "unique names");
    Map<String, Attribute> owner = new HashMap<>();
    for (Attribute a : Attribute.values()) {
      for (String v : w.values().get(a)) {
        Attribute prev = owner.put(v, a);
        assertTrue(prev == null, v + " belongs to " + prev + " and " + a);
      }
      Map<String, Integer> counts = new HashMap<>();
      w.people().forEach(p -> counts.merge(p.fact(a), 1, Integer::sum));
      int min = counts.values().stream().min(Integer::compare).orElseThrow();
      int max = counts.values().stream().max(Integer::compare).orElseThrow();
      assertTrue(max - min <= 1, a + " dealt unevenly: " + counts);
    }
  }

  private static Person onlyPersonIn(String text, Map<String, Person> byName) {
    List<Person> found = byName.values().stream().filter(p -> text.contains(p.name())).toList();
    assertEquals(1, found.size(), "exactly one person named in: " + text);
    return found.get(0);
  }

  private static String longestValueIn(String text) {
    String best = null;
    for (Attribute a : Attribute.values()) {
      for (String v : world.values().get(a)) {
        if (text.contains(v) && (best == null || v.length() > best.length())) {
          best = v;
        }
      }
    }
    assertTrue(best != null, "no value in: " + text);
    return best;
  }

  private static Attribute attributeOf(String value) {
    for (Attribute a : Attribute.values()) {
      if (world.values().get(a).contains(value)) {
        return a;
      }
    }
    throw new AssertionError("not a value of any attribute: " + value);
  }
}
