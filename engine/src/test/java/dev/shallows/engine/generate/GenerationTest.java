package dev.shallows.engine.generate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shallows.engine.Decoder;
import dev.shallows.store.TextTokenizer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The per-sequence state machine on the real stories260K: stops, limits, logprobs, seeds. */
class GenerationTest {

  private static Decoder decoder;
  private static TextTokenizer tok;

  @BeforeAll
  static void open() {
    decoder = DecoderKind.all().get(0).open();
    tok = Stories260K.tokenizer();
  }

  @AfterAll
  static void close() {
    decoder.close();
  }

  private static GenerationResult run(String prompt, SamplingParams p, GenerationListener l) {
    return new Generation(tok.encode(prompt, true), p, tok).run(decoder, l);
  }

  private static GenerationResult greedy(String prompt, int n) {
    return run(prompt, SamplingParams.greedy(n), GenerationListener.NONE);
  }

  @Test
  void eventsAddUpToTheResult() {
    List<TokenEvent> seen = new ArrayList<>();
    GenerationResult r =
        run(
            "Once upon a time",
            SamplingParams.greedy(30),
            new GenerationListener() {
              @Override
              public void onToken(TokenEvent e) {
                seen.add(e);
              }
            });
    assertEquals(30, seen.size());
    StringBuilder text = new StringBuilder();
    for (int i = 0; i < seen.size(); i++) {
      assertEquals(i, seen.get(i).index());
      assertEquals(i == 29, seen.get(i).isLast());
      text.append(seen.get(i).text());
    }
    assertEquals(r.text(), text.toString());
    assertEquals(seen, r.tokens());
    assertEquals(FinishReason.LENGTH, r.finishReason());
    assertEquals(tok.encode("Once upon a time", true).length, r.promptTokens());
    assertTrue(Double.isNaN(seen.get(0).logprob())); // not requested
  }

  @Test
  void stopStringEndsGenerationAndIsNotReturned() {
    String full = greedy("", 64).text();
    for (String stop : List.of("Lily", " named L", ".")) {
      int at = full.indexOf(stop);
      assertTrue(at > 0, stop);
      GenerationResult r =
          run("", SamplingParams.greedy(64).toBuilder().stop(List.of(stop)).build(), null);
      assertEquals(full.substring(0, at), r.text(), "stop " + stop);
      assertEquals(FinishReason.STOP, r.finishReason());
      assertTrue(r.completionTokens() < 64);
    }
  }

  @Test
  void stopTokenIdEndsWithStopAndItsTextIsLeftOut() {
    GenerationResult full = greedy("", 40);
    int[] ids = full.tokenIds();
    int k = 6;
    while (contains(Arrays.copyOf(ids, k), ids[k])) {
      k++; // the first position whose token did not occur before
    }
    GenerationResult r =
        run("", SamplingParams.greedy(40).toBuilder().stopTokenIds(List.of(ids[k])).build(), null);
    assertArrayEquals(Arrays.copyOf(ids, k + 1), r.tokenIds());
    assertEquals(FinishReason.STOP, r.finishReason());
    StringBuilder before = new StringBuilder();
    for (int i = 0; i < k; i++) {
      before.append(full.tokens().get(i).text());
    }
    assertEquals(before.toString(), r.text());
    assertEquals("", r.tokens().get(k).text());
  }

  @Test
  void maxTokensAndContextLengthEndWithLength() {
    assertEquals(7, greedy("", 7).completionTokens());
    GenerationResult zero = greedy("Once", 0);
    assertEquals(0, zero.completionTokens());
    assertEquals(FinishReason.LENGTH, zero.finishReason());
    // context 512: a BOS-only prompt can feed positions 0..511, i.e. produce 512 tokens
    int ctx = decoder.config().maxPositionEmbeddings();
    GenerationResult r =
        run(
            "",
            SamplingParams.greedy(10_000).toBuilder().ignoreEos(true).build(),
            GenerationListener.NONE);
    assertEquals(ctx, r.completionTokens());
    assertEquals(FinishReason.LENGTH, r.finishReason());
  }

  @Test
  void tooLongPromptIsRejectedNamingPrompt() {
    int[] ids = new int[decoder.config().maxPositionEmbeddings() + 1];
    Arrays.fill(ids, 300);
    Generation g = new Generation(ids, SamplingParams.greedy(1), tok);
    BadParameterException e =
        assertThrows(BadParameterException.class, () -> g.validateFor(decoder.config()));
    assertEquals("prompt", e.param());
    assertThrows(BadParameterException.class, () -> new Generation(new int[0], g.params(), tok));
  }

  @Test
  void firstStepLogprobsAgreeWithLlama2cLogits() {
    // reference_stories260K_greedy256.json: logits after BOS, top 5
    int[] ids = {403, 385, 410, 317, 407};
    double[] logits = {
      17.02351519984081,
      15.406212951091774,
      13.108263391718289,
      12.76916961146896,
      12.418087224118366
    };
    GenerationResult r = run("", SamplingParams.greedy(3).toBuilder().logprobs(5).build(), null);
    TokenEvent first = r.tokens().get(0);
    assertEquals(403, first.tokenId());
    assertEquals(first.topLogprobs().get(0).logprob(), first.logprob(), 1e-12);
    for (int i = 0; i < 5; i++) {
      TopLogprob t = first.topLogprobs().get(i);
      assertEquals(ids[i], t.tokenId());
      // log-probabilities differ exactly as the logits do
      assertEquals(logits[i] - logits[0], t.logprob() - first.logprob(), 1e-4);
    }
    double mass = first.topLogprobs().stream().mapToDouble(t -> Math.exp(t.logprob())).sum();
    assertTrue(mass > 0.5 && mass <= 1.0, "mass " + mass);
  }

  @Test
  void promptLogprobsEqualTheDecodePathsLogprobs() {
    // generate greedily with logprobs, then feed prompt + output back as a prompt: the prefill
    // (all positions) must give each fed token the logprob the decode step reported for it
    GenerationResult gen =
        run("Once upon", SamplingParams.greedy(12).toBuilder().logprobs(3).build(), null);
    int[] prompt = tok.encode("Once upon", true);
    int[] all = concat(prompt, gen.tokenIds());
    SamplingParams echo =
        SamplingParams.builder().maxTokens(0).promptLogprobs(true).logprobs(3).build();
    GenerationResult r = new Generation(all, echo, tok).run(decoder, null);
    assertEquals(0, r.completionTokens());
    List<PromptLogprob> lp = r.promptLogprobs();
    assertEquals(all.length, lp.size());
    assertTrue(Double.isNaN(lp.get(0).logprob()));
    assertTrue(lp.get(0).topLogprobs().isEmpty());
    for (int i = 0; i < gen.completionTokens(); i++) {
      PromptLogprob p = lp.get(prompt.length + i);
      TokenEvent e = gen.tokens().get(i);
      assertEquals(e.tokenId(), p.tokenId());
      assertEquals(e.logprob(), p.logprob(), 1e-4, "position " + i);
      assertEquals(e.topLogprobs().get(0).tokenId(), p.topLogprobs().get(0).tokenId());
    }
    for (int t = 1; t < all.length; t++) {
      assertTrue(lp.get(t).logprob() <= 0);
    }
  }

  @Test
  void sameSeedSameTextOtherSeedOtherText() {
    SamplingParams p = SamplingParams.builder().temperature(1.0).topP(0.95).seed(123L).build();
    p = p.toBuilder().maxTokens(40).build();
    GenerationResult a = run("Once upon a time", p, null);
    GenerationResult b = run("Once upon a time", p, null);
    GenerationResult c = run("Once upon a time", p.toBuilder().seed(124L).build(), null);
    assertArrayEquals(a.tokenIds(), b.tokenIds());
    assertEquals(a.text(), b.text());
    assertNotEquals(Arrays.toString(a.tokenIds()), Arrays.toString(c.tokenIds()));
  }

  @Test
  void abortTakesEffectBeforeTheNextStepAndFreesTheCache() {
    Generation g = new Generation(tok.encode("", true), SamplingParams.greedy(50), tok);
    GenerationResult r =
        g.run(
            decoder,
            new GenerationListener() {
              @Override
              public void onToken(TokenEvent e) {
                if (e.index() == 4) {
                  g.abort();
                }
              }
            });
    assertEquals(FinishReason.ABORT, r.finishReason());
    assertEquals(5, r.completionTokens());
    assertNull(r.tokens().get(4).finishReason());
    assertFalse(g.isActive());

    Generation early = new Generation(tok.encode("", true), SamplingParams.greedy(50), tok);
    early.abort();
    GenerationResult none = early.run(decoder, null);
    assertEquals(FinishReason.ABORT, none.finishReason());
    assertEquals(0, none.completionTokens());
  }

  @Test
  void aThrowingListenerAbortsTheGeneration() {
    GenerationResult r =
        run(
            "",
            SamplingParams.greedy(50),
            new GenerationListener() {
              @Override
              public void onToken(TokenEvent e) {
                throw new IllegalStateException("client gone");
              }
            });
    assertEquals(FinishReason.ABORT, r.finishReason());
    assertEquals(1, r.completionTokens());
  }

  private static boolean contains(int[] a, int v) {
    return Arrays.stream(a).anyMatch(x -> x == v);
  }

  private static int[] concat(int[] a, int[] b) {
    int[] out = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}
