package dev.shallows.engine.generate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shallows.engine.Decoder;
import dev.shallows.engine.SequenceState;
import dev.shallows.store.TextTokenizer;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The prompt cache on the real stories260K: a repeated prompt (twice at once) and a chat-style
 * continuation (the previous prompt and answer plus new text) reuse the cached prefix and generate
 * exactly what an uncached run does; the cache stays within its bytes and drops what a longer entry
 * supersedes.
 */
class PromptCacheTest {

  private static final TextTokenizer TOK = Stories260K.tokenizer();

  static List<DecoderKind> kinds() {
    return DecoderKind.all();
  }

  @ParameterizedTest
  @MethodSource("kinds")
  void cachedPrefixesGenerateWhatAFullPrefillDoes(DecoderKind kind) throws Exception {
    int[] first = TOK.encode("Once upon a time, there was a little girl named Lily. She", true);
    try (Decoder d = kind.open();
        Decoder lonely = kind.open();
        ContinuousBatcher b =
            new ContinuousBatcher(
                d, new ContinuousBatcher.Options("c", 4, 8).withPromptCache(64L << 20))) {
      GenerationResult r1 = submit(b, first, 30);
      assertEquals(0, r1.cachedPromptTokens());
      assertArrayEquals(alone(lonely, first, 30).tokenIds(), r1.tokenIds(), kind.name());

      // the same prompt twice at once: both copy the cached prefix
      Generation g1 = b.submit(new Generation(first, greedy(30), TOK), null);
      Generation g2 = b.submit(new Generation(first, greedy(30), TOK), null);
      for (Generation g : List.of(g1, g2)) {
        GenerationResult again = g.result().get(60, TimeUnit.SECONDS);
        assertEquals(first.length - 1, again.cachedPromptTokens(), "all but the last prompt token");
        assertArrayEquals(r1.tokenIds(), again.tokenIds(), kind.name() + " repeated prompt");
      }

      // the next "turn": everything so far plus new text, with more room than the cached sequence
      int[] said = concat(first, r1.tokenIds());
      int[] next = concat(said, Arrays.copyOfRange(TOK.encode(" Then the dog", false), 0, 3));
      GenerationResult r2 = submit(b, next, 60);
      int fed = first.length + r1.completionTokens() - 1; // the last sampled token is never fed
      assertEquals(fed, r2.cachedPromptTokens());
      GenerationResult uncached = alone(lonely, next, 60);
      assertArrayEquals(uncached.tokenIds(), r2.tokenIds(), kind.name() + " continued turn");
      for (int i = 0; i < r2.tokens().size(); i++) {
        double want = uncached.tokens().get(i).logprob();
        assertTrue(Double.isFinite(want) && want <= 0, "a logprob: " + want);
        assertEquals(want, r2.tokens().get(i).logprob(), 1e-3, "token " + i);
      }
      assertEquals(3, b.promptCacheHits());
      assertEquals(2 * (first.length - 1) + fed, b.promptCacheTokens());
      assertTrue(b.promptCacheBytes() > 0);
    }
  }

  @Test
  void aPromptIsCachedAsSoonAsItIsPrefilled() throws Exception {
    // three choices of one prompt: whichever joins after the first finds its prompt cached already
    // (or shares its prefill in the same step), so the prompt is prefilled once plus one token each
    int[] prompt = TOK.encode("Once upon a time, there was a little girl named Lily. She", true);
    try (Decoder d = DecoderKind.all().get(0).open();
        Decoder lonely = DecoderKind.all().get(0).open();
        ContinuousBatcher b =
            new ContinuousBatcher(
                d, new ContinuousBatcher.Options("p", 4, 8).withPromptCache(64L << 20))) {
      List<Generation> gens = new java.util.ArrayList<>();
      for (int i = 0; i < 3; i++) {
        gens.add(b.submit(new Generation(prompt, seeded(i), TOK), null));
      }
      for (int i = 0; i < 3; i++) {
        GenerationResult r = gens.get(i).result().get(60, TimeUnit.SECONDS);
        GenerationResult lone = new Generation(prompt, seeded(i), TOK).run(lonely, null);
        assertArrayEquals(lone.tokenIds(), r.tokenIds(), "choice " + i);
      }
      assertTrue(
          b.prefilledTokens() <= prompt.length + 2L,
          b.prefilledTokens() + " tokens prefilled for 3 x " + prompt.length);
    }
  }

  private static SamplingParams seeded(int i) {
    return SamplingParams.builder().temperature(0.8).seed(5L + i).maxTokens(10).build();
  }

  @Test
  void staysWithinItsBytesAndDropsSupersededEntries() {
    try (Decoder d = DecoderKind.all().get(0).open()) {
      SequenceState a = filled(d, 12, 1);
      long one = a.cacheBytes();
      try (PromptCache cache = new PromptCache(d, one, 8)) {
        cache.put(prefix(12, 1), a);
        SequenceState longer = filled(d, 16, 1); // same first 12 tokens, then more
        cache.put(prefix(16, 1), longer);
        assertEquals(1, cache.size(), "the 12-token entry is superseded");
        assertThrows(IllegalStateException.class, () -> a.truncate(0), "and freed");

        assertTrue(cache.covers(prefix(12, 1)) && !cache.covers(prefix(17, 1)));
        SequenceState covered = filled(d, 12, 1); // what the 16-token entry already holds
        cache.put(prefix(12, 1), covered);
        assertEquals(1, cache.size(), "a covered entry is not added");
        assertThrows(IllegalStateException.class, () -> covered.truncate(0), "and is freed");

        SequenceState other = filled(d, 12, 50); // unrelated tokens: evicts the older entry
        cache.put(prefix(12, 50), other);
        assertEquals(1, cache.size());
        assertEquals(one, cache.bytes());
        assertThrows(IllegalStateException.class, () -> longer.truncate(0));

        assertNull(cache.take(prefix(7, 50), 12), "7 shared tokens < the 8-token minimum");
        PromptCache.Hit hit = cache.take(prefix(20, 50), 12);
        assertNotNull(hit);
        assertEquals(12, hit.reused());
        assertEquals(12, hit.state().length());
        assertEquals(1, cache.size(), "the entry stays for other prompts");
        PromptCache.Hit second = cache.take(prefix(20, 50), 12);
        assertNotNull(second, "a second prompt with the same prefix while the first runs");
        hit.state().close();
        second.state().close();
      }
    }
  }

  private static SequenceState filled(Decoder d, int n, int firstToken) {
    SequenceState s = d.newSequence(16); // every test sequence has the same size
    d.prefill(s, prefix(n, firstToken), false);
    return s;
  }

  private static int[] prefix(int n, int firstToken) {
    int[] t = new int[n];
    for (int i = 0; i < n; i++) {
      t[i] = firstToken + i;
    }
    return t;
  }

  private static GenerationResult submit(ContinuousBatcher b, int[] prompt, int maxTokens)
      throws Exception {
    return b.submit(new Generation(prompt, greedy(maxTokens), TOK), null)
        .result()
        .get(60, TimeUnit.SECONDS);
  }

  private static GenerationResult alone(Decoder d, int[] prompt, int maxTokens) {
    return new Generation(prompt, greedy(maxTokens), TOK).run(d, null);
  }

  /** Greedy, with each sampled token's logprob reported. */
  private static SamplingParams greedy(int maxTokens) {
    return SamplingParams.builder().temperature(0).maxTokens(maxTokens).logprobs(0).build();
  }

  private static int[] concat(int[] a, int[] b) {
    int[] out = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}
