package dev.shallows.store.llama2c;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.shallows.store.SharedData;
import dev.shallows.store.StreamDecoder;
import dev.shallows.store.TextTokenizer;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The generated tokenizer.json, run by DJL's HF tokenizers, must encode exactly as llama2.c's run.c
 * (transcribed independently in {@link RunCEncoder}) on thousands of strings.
 */
class Llama2cTokenizerEquivalenceTest {

  @TempDir static Path dir;
  static TextTokenizer tok;
  static RunCEncoder ref;

  @BeforeAll
  static void setUp() throws IOException {
    Path bin = SharedData.resolve("llama2c/tok512.bin");
    ObjectMapper json = new ObjectMapper();
    json.writeValue(
        dir.resolve("tokenizer.json").toFile(),
        Llama2cTokenizerJson.tokenizerJson(Llama2cVocab.read(bin)));
    json.writeValue(
        dir.resolve("tokenizer_config.json").toFile(), Llama2cTokenizerJson.tokenizerConfig(512));
    json.writeValue(
        dir.resolve("generation_config.json").toFile(), Llama2cImporter.generationConfig());
    tok = TextTokenizer.load(dir);
    ref = new RunCEncoder(bin);
  }

  @AfterAll
  static void tearDown() {
    tok.close();
  }

  /** Asserts equality on every string; returns how many were checked. */
  private static int check(List<String> texts) {
    int n = 0;
    for (String t : texts) {
      int[] expected = ref.encode(t);
      int[] actual = tok.encode(t, true);
      if (!Arrays.equals(expected, actual)) {
        assertArrayEquals(expected, actual, "encoding differs for '" + t + "'");
      }
      n++;
    }
    return n;
  }

  /** Text the two encoders legitimately treat differently (see Llama2cTokenizerJson). */
  private static boolean comparable(String s) {
    return !s.contains("\u2581")
        && !s.contains("<s>")
        && !s.contains("</s>")
        && !s.contains("<unk>");
  }

  @Test
  void corpusLinesEncodeAsRunC() throws IOException {
    List<String> lines = new ArrayList<>();
    Path gutenberg = SharedData.resolve("corpus/gutenberg_en");
    List<Path> books;
    try (Stream<Path> s = Files.list(gutenberg)) {
      books = s.filter(p -> p.toString().endsWith(".txt")).sorted().limit(12).toList();
    }
    for (Path book : books) {
      lines.addAll(firstLines(book, 300));
    }
    lines.addAll(firstLines(SharedData.resolve("corpus/kjv_bible_bible-kjv-text_4.38.txt"), 1500));
    lines.removeIf(l -> !comparable(l));
    assertTrue(check(lines) > 3000, "too few corpus lines");
  }

  @Test
  void randomPieceConcatenationsEncodeAsRunC() {
    // strings assembled from vocabulary pieces stress the merge order far more than prose
    Random rnd = new Random(42);
    List<String> texts = new ArrayList<>();
    for (int i = 0; i < 4000; i++) {
      StringBuilder sb = new StringBuilder();
      int n = 1 + rnd.nextInt(8);
      for (int k = 0; k < n; k++) {
        sb.append(ref.vocab[259 + rnd.nextInt(ref.vocab.length - 259)]);
      }
      texts.add(rnd.nextBoolean() ? sb.toString().trim() : sb.toString());
    }
    assertEquals(4000, check(texts));
  }

  @Test
  void edgeCasesEncodeAsRunC() {
    List<String> texts =
        List.of(
            "",
            " ",
            "  ",
            "a",
            " a",
            "a ",
            "\n",
            "\t\r\n",
            "Once upon a time",
            "Once upon a time, there was a little girl named Lily.",
            "0123456789 3.14159 1,000,000 2026-11-28",
            "héllo wörld ñandú façade",
            "日本語のテキスト 中文 한국어",
            "emoji 🌍🚀 👩‍👩‍👧 and flags 🇫🇷",
            "™ ™™ [x] ~y~ “quoted” ‘single’ … — –",
            "\u00a0nbsp\u200ahair space",
            "<0x41> <0x0A> < > <<>>",
            "Lily Lily Lily Timmy Timmy happy happily",
            "ababababa aaaaaaaa llllllll eeeeeeee",
            "The  double  spaces   and    more");
    assertEquals(texts.size(), check(texts));
  }

  @Test
  void randomUnicodeEncodesAsRunC() {
    Random rnd = new Random(7);
    List<String> texts = new ArrayList<>();
    int[][] ranges = {
      {0x20, 0x7e}, {0xa0, 0x24f}, {0x370, 0x3ff}, {0x4e00, 0x4e80}, {0x1f300, 0x1f64f}
    };
    for (int i = 0; i < 1000; i++) {
      StringBuilder sb = new StringBuilder();
      int n = rnd.nextInt(20);
      for (int k = 0; k < n; k++) {
        int[] r = ranges[rnd.nextInt(ranges.length)];
        sb.appendCodePoint(r[0] + rnd.nextInt(r[1] - r[0] + 1));
      }
      if (comparable(sb.toString())) {
        texts.add(sb.toString());
      }
    }
    assertTrue(check(texts) > 990);
  }

  @Test
  void promptAndReferenceIdsMatch() throws IOException {
    JsonNode refJson =
        new ObjectMapper()
            .readTree(SharedData.resolve("llama2c/reference_stories260K_greedy256.json").toFile());
    int[] greedy = new int[refJson.get("greedy_tokens_from_bos").size()];
    for (int i = 0; i < greedy.length; i++) {
      greedy[i] = refJson.get("greedy_tokens_from_bos").get(i).asInt();
    }
    // the prompt of expected_greedy_prompts_64steps.txt, which run.c's greedy run also starts with
    int[] prompt = tok.encode("Once upon a time", true);
    assertArrayEquals(ref.encode("Once upon a time"), prompt);
    assertArrayEquals(Arrays.copyOf(greedy, prompt.length), prompt);
    // decoding: run.c -n 200 makes 200 forward passes and prints the 200 ids sampled after BOS
    String expected200 =
        Files.readString(SharedData.resolve("llama2c/expected_greedy_200steps_test_all.txt"));
    assertEquals(expected200, tok.decode(Arrays.copyOf(greedy, 201)));
    assertEquals(refJson.get("greedy_text").asText(), tok.decode(greedy));
  }

  @Test
  void streamingDecodeEqualsFullDecode() {
    String text = "Lily said, “héllo 🌍!”\nThe end. 日本";
    int[] ids = tok.encode(text, true);
    StreamDecoder sd = tok.streamDecoder(new int[] {ids[0]});
    StringBuilder out = new StringBuilder();
    for (int i = 1; i < ids.length; i++) {
      String piece = sd.push(ids[i]);
      assertTrue(piece.indexOf('\uFFFD') < 0, "emitted half a character: " + piece);
      out.append(piece);
    }
    out.append(sd.flush());
    assertEquals(text, out.toString());
    // continuing after a prompt keeps the space between prompt and completion
    int[] prompt = tok.encode("Once upon", true);
    int[] more = Arrays.copyOfRange(tok.encode("Once upon a time", true), prompt.length, 5);
    StreamDecoder cont = tok.streamDecoder(prompt);
    StringBuilder s2 = new StringBuilder();
    for (int id : more) {
      s2.append(cont.push(id));
    }
    assertEquals(" a time", s2 + cont.flush());
  }

  @Test
  void specialsAndIds() {
    assertEquals(1, tok.bosId());
    assertEquals(List.of(2), tok.eosIds());
    assertEquals(512, tok.vocabSize());
    assertEquals("<0x0A>", tok.tokenString(13));
    assertEquals("\u2581t", tok.tokenString(259));
    assertEquals(259, tok.tokenId("\u2581t"));
    assertTrue(tok.isSpecial(1) && tok.isSpecial(2) && !tok.isSpecial(259));
    assertArrayEquals(new int[0], tok.encode("", false));
    assertArrayEquals(new int[] {1}, tok.encode("", true));
    // HF matches special-token text literally (run.c would spell it out): documented difference
    assertArrayEquals(new int[] {1}, tok.encode("<s>", false));
  }

  private static List<String> firstLines(Path file, int n) throws IOException {
    List<String> out = new ArrayList<>();
    try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      String line;
      while (out.size() < n && (line = r.readLine()) != null) {
        out.add(line);
      }
    }
    return out;
  }
}
