package dev.shallows.store.bpe;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import dev.shallows.store.SharedData;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BpeTrainerTest {

  static String alice;

  @BeforeAll
  static void readText() throws Exception {
    alice =
        Files.readString(
            SharedData.resolve("corpus/gutenberg_en/11-0.txt"), StandardCharsets.UTF_8);
  }

  private static HuggingFaceTokenizer train(Path dir, String text, int symbols) throws Exception {
    BpeTrainer.Vocabulary v = new BpeTrainer().add(text).train(symbols, 2);
    TokenizerJson.write(v, dir);
    return HuggingFaceTokenizer.newInstance(
        dir.resolve("tokenizer.json"), Map.of("truncation", "false", "padding", "false"));
  }

  @Test
  void trainedTokenizerLoadsAndRoundTripsUnicodeExactly(@TempDir Path dir) throws Exception {
    try (HuggingFaceTokenizer tok = train(dir, alice, 1021)) {
      String text =
          "Héllo wörld — “quoted” naïve café; 日本語のテキスト 🌍🚀 tabs\tand\n\nnewlines  double"
              + "  spaces, digits 1234567 and Alice's rabbit-hole.";
      long[] ids = tok.encode(text, false, false).getIds();
      assertEquals(text, tok.decode(ids, false));
      long[] withBos = tok.encode(text).getIds();
      assertEquals(1L, withBos[0], "the post-processor prepends <s> = 1");
      assertEquals(text, tok.decode(withBos, true));
      // Long text is neither truncated nor altered (DJL's default max length would cut at 512).
      String chapter = alice.substring(5_000, 25_000);
      long[] longIds = tok.encode(chapter, false, false).getIds();
      assertTrue(longIds.length > 2000, "long text has " + longIds.length + " tokens");
      assertEquals(chapter, tok.decode(longIds, false));
    }
  }

  @Test
  void mergesCompressAndVocabularyHasTheRequestedSize(@TempDir Path dir) throws Exception {
    try (HuggingFaceTokenizer tok = train(dir, alice, 1021)) {
      // A part of the book the merges were learned on; bytes counted in UTF-8.
      String sample = alice.substring(40_000, 60_000);
      int bytes = sample.getBytes(StandardCharsets.UTF_8).length;
      int tokens = tok.encode(sample, false, false).getIds().length;
      double perByte = tokens / (double) bytes;
      assertTrue(perByte < 0.4, "tokens per byte " + perByte + " (1.0 without merges)");
      String json = Files.readString(dir.resolve("tokenizer.json"));
      assertTrue(json.contains("\"type\" : \"ByteLevel\""), "ByteLevel pre-tokenizer/decoder");
      long[] special = tok.encode("<s></s><unk>", false, false).getIds();
      assertArrayEquals(new long[] {1, 2, 0}, special, "special tokens keep their ids");
      // 3 specials + 1021 symbols; the largest id must decode to a non-empty string.
      assertEquals(1024, TokenizerJson.size(new BpeTrainer().add(alice).train(1021, 2)));
      assertTrue(!tok.decode(new long[] {1023}, false).isEmpty());
    }
  }

  @Test
  void trainingIsDeterministicAndMergesAreTheMostFrequentPair() {
    String text = "aaab aaab aaab abab";
    BpeTrainer.Vocabulary v1 = new BpeTrainer().add(text).train(258, 1);
    BpeTrainer.Vocabulary v2 = new BpeTrainer().add(text).train(258, 1);
    assertEquals(v1.symbols(), v2.symbols());
    // Chunks: "aaab" x1, " aaab" x2, " abab" x1. Pair counts: (a,a) 2+4=6, (a,b) 1+2+2=5 ...
    assertArrayEquals(new String[] {"a", "a"}, v1.merges().get(0));
    assertEquals("aa", v1.symbols().get(256));
    // After "aa": (aa,a) 3 ... (a,b) 5 (from aaab: aa a b -> a b once each; abab twice).
    assertArrayEquals(new String[] {"a", "b"}, v1.merges().get(1));
  }

  @Test
  void matchesANaiveRecountingReference() {
    String text = alice.substring(0, 60_000);
    BpeTrainer.Vocabulary fast = new BpeTrainer().add(text).train(256 + 150, 2);
    // Reference: recount every pair from scratch before each merge (no incremental bookkeeping).
    java.util.Map<String, Long> chunks = new java.util.TreeMap<>();
    for (String c : ByteLevel.split(text)) {
      chunks.merge(ByteLevel.toAlphabet(c), 1L, Long::sum);
    }
    java.util.List<String> symbols = new java.util.ArrayList<>();
    for (int b = 0; b < 256; b++) {
      symbols.add(String.valueOf(ByteLevel.charOf(b)));
    }
    java.util.List<java.util.List<Integer>> words = new java.util.ArrayList<>();
    java.util.List<Long> counts = new java.util.ArrayList<>();
    for (var e : chunks.entrySet()) {
      java.util.List<Integer> w = new java.util.ArrayList<>();
      for (char ch : e.getKey().toCharArray()) {
        w.add(symbols.indexOf(String.valueOf(ch)));
      }
      words.add(w);
      counts.add(e.getValue());
    }
    for (int m = 0; m < 150; m++) {
      java.util.Map<java.util.List<Integer>, Long> pairs = new java.util.HashMap<>();
      for (int i = 0; i < words.size(); i++) {
        java.util.List<Integer> w = words.get(i);
        for (int j = 0; j + 1 < w.size(); j++) {
          pairs.merge(java.util.List.of(w.get(j), w.get(j + 1)), counts.get(i), Long::sum);
        }
      }
      java.util.List<Integer> best = null;
      long bestCount = 0;
      for (var e : pairs.entrySet()) {
        java.util.List<Integer> k = e.getKey();
        long c = e.getValue();
        boolean smaller =
            best != null
                && (k.get(0) < best.get(0)
                    || (k.get(0).equals(best.get(0)) && k.get(1) < best.get(1)));
        if (c > bestCount || (c == bestCount && smaller)) {
          best = k;
          bestCount = c;
        }
      }
      int merged = symbols.size();
      symbols.add(symbols.get(best.get(0)) + symbols.get(best.get(1)));
      assertArrayEquals(
          new String[] {symbols.get(best.get(0)), symbols.get(best.get(1))},
          fast.merges().get(m),
          "merge " + m);
      for (java.util.List<Integer> w : words) {
        for (int j = 0; j + 1 < w.size(); j++) {
          if (w.get(j).equals(best.get(0)) && w.get(j + 1).equals(best.get(1))) {
            w.set(j, merged);
            w.remove(j + 1);
          }
        }
      }
    }
    assertEquals(symbols, fast.symbols());
  }

  @Test
  void applyMergeIsLeftToRightAndNonOverlapping() {
    assertArrayEquals(
        new int[] {9, 1, 2, 9}, BpeTrainer.applyMerge(new int[] {1, 1, 1, 2, 1, 1}, 1, 1, 9));
  }
}
