package dev.shallows.engine.generate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shallows.engine.Decoder;
import dev.shallows.store.TextTokenizer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Continuous batching on the real stories260K: join, leave, abort, admission, shutdown. */
class ContinuousBatcherTest {

  private static final String[] PROMPTS = {
    "", "Once upon a time", "Lily", "The dog was", "One day, Tom", "She was happy", "The sun"
  };

  private static Decoder alone; // the unbatched reference runs on its own decoder
  private static TextTokenizer tok;

  @BeforeAll
  static void open() {
    alone = DecoderKind.all().get(0).open();
    tok = Stories260K.tokenizer();
  }

  @AfterAll
  static void close() {
    alone.close();
  }

  private static SamplingParams params(int i) {
    // greedy for most, seeded sampling with penalties for some: all must match the lone run
    return i % 3 == 2
        ? SamplingParams.builder()
            .temperature(0.9)
            .topK(40)
            .topP(0.9)
            .frequencyPenalty(0.5)
            .seed(1000L + i)
            .maxTokens(20 + 5 * i)
            .build()
        : SamplingParams.greedy(20 + 5 * i);
  }

  private static Generation generation(int i) {
    return new Generation(tok.encode(PROMPTS[i], true), params(i), tok);
  }

  static List<DecoderKind> kinds() {
    return DecoderKind.all();
  }

  @ParameterizedTest
  @MethodSource("kinds")
  void batchedResultsEqualUnbatchedOnes(DecoderKind kind) throws Exception {
    AtomicInteger maxBatch = new AtomicInteger();
    try (Decoder d = kind.open();
        Decoder lonely = kind.open();
        ContinuousBatcher b = new ContinuousBatcher(d, new ContinuousBatcher.Options("t", 3, 16))) {
      List<Generation> gens = new ArrayList<>();
      for (int i = 0; i < PROMPTS.length; i++) {
        gens.add(
            b.submit(
                generation(i),
                new GenerationListener() {
                  @Override
                  public void onToken(TokenEvent e) {
                    maxBatch.accumulateAndGet(b.lastBatchSize(), Math::max);
                  }
                }));
      }
      int total = 0;
      for (int i = 0; i < gens.size(); i++) {
        GenerationResult batched = gens.get(i).result().get(60, TimeUnit.SECONDS);
        GenerationResult lone = generation(i).run(lonely, null);
        assertArrayEquals(lone.tokenIds(), batched.tokenIds(), kind.name() + " prompt " + i);
        assertEquals(lone.text(), batched.text());
        assertEquals(lone.finishReason(), batched.finishReason());
        total += batched.completionTokens();
      }
      assertEquals(3, maxBatch.get());
      // the first token of each comes from its prefill; the rest from shared decode steps
      assertTrue(b.steps() < total - PROMPTS.length, b.steps() + " steps for " + total);
      assertEquals(0, b.activeSequences());
      assertEquals(0, b.kvCacheBytes());
    }
  }

  @ParameterizedTest
  @MethodSource("kinds")
  void promptsPrefilledInChunksGiveWhatOnePassGives(DecoderKind kind) throws Exception {
    // a budget of 2 tokens per step: every prompt but the BOS-only one is prefilled in chunks
    try (Decoder d = kind.open();
        Decoder lonely = kind.open();
        ContinuousBatcher b =
            new ContinuousBatcher(d, new ContinuousBatcher.Options("k", 4, 16, 2, 0))) {
      List<Generation> gens = new ArrayList<>();
      for (int i = 0; i < PROMPTS.length; i++) {
        gens.add(b.submit(withPromptLogprobs(i), null));
      }
      for (int i = 0; i < gens.size(); i++) {
        GenerationResult chunked = gens.get(i).result().get(60, TimeUnit.SECONDS);
        GenerationResult lone = withPromptLogprobs(i).run(lonely, null);
        assertArrayEquals(lone.tokenIds(), chunked.tokenIds(), kind.name() + " prompt " + i);
        assertEquals(lone.promptLogprobs().size(), chunked.promptLogprobs().size());
        for (int t = 1; t < lone.promptLogprobs().size(); t++) {
          assertEquals(
              lone.promptLogprobs().get(t).logprob(),
              chunked.promptLogprobs().get(t).logprob(),
              1e-4,
              kind.name() + " prompt " + i + " token " + t);
        }
      }
    }
  }

  @ParameterizedTest
  @MethodSource("kinds")
  void choicesOfOnePromptPrefillItOnce(DecoderKind kind) throws Exception {
    int[] prompt = tok.encode("Once upon a time, there was a little girl named Lily.", true);
    try (Decoder d = kind.open();
        Decoder lonely = kind.open();
        ContinuousBatcher b = new ContinuousBatcher(d, new ContinuousBatcher.Options("n", 4, 8))) {
      List<Generation> gens = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        gens.add(b.submit(new Generation(prompt, sampled(i), tok), null));
      }
      for (int i = 0; i < 3; i++) {
        GenerationResult shared = gens.get(i).result().get(60, TimeUnit.SECONDS);
        GenerationResult lone = new Generation(prompt, sampled(i), tok).run(lonely, null);
        assertArrayEquals(lone.tokenIds(), shared.tokenIds(), kind.name() + " choice " + i);
      }
      // the batcher thread may have taken the first choice alone; the other two then share one
      // prefill: at most two prefills of the prompt, never three
      assertTrue(
          b.prefilledTokens() <= 2L * prompt.length,
          b.prefilledTokens() + " tokens prefilled for 3 x " + prompt.length);
    }
  }

  /** Seeded sampling, a different seed per choice (as the n choices of one request). */
  private static SamplingParams sampled(int i) {
    return SamplingParams.builder().temperature(0.8).seed(77L + i).maxTokens(12).build();
  }

  private static Generation withPromptLogprobs(int i) {
    SamplingParams p = params(i).toBuilder().logprobs(1).promptLogprobs(true).build();
    return new Generation(tok.encode(PROMPTS[i], true), p, tok);
  }

  @Test
  void aGenerationJoinsARunningBatchAndAnAbortedOneLeaves() throws Exception {
    CountDownLatch tenTokens = new CountDownLatch(10);
    try (Decoder d = DecoderKind.all().get(0).open();
        ContinuousBatcher b = new ContinuousBatcher(d, ContinuousBatcher.Options.defaults("t"))) {
      Generation longOne =
          new Generation(tok.encode("Once upon a time", true), SamplingParams.greedy(200), tok);
      Generation victim = new Generation(tok.encode("Lily", true), SamplingParams.greedy(200), tok);
      b.submit(
          longOne,
          new GenerationListener() {
            @Override
            public void onToken(TokenEvent e) {
              tenTokens.countDown();
            }
          });
      b.submit(
          victim,
          new GenerationListener() {
            @Override
            public void onToken(TokenEvent e) {
              if (e.index() == 4) {
                victim.abort();
              }
            }
          });
      assertTrue(tenTokens.await(30, TimeUnit.SECONDS));
      Generation late = b.submit(generation(3), null);
      GenerationResult aborted = victim.result().get(30, TimeUnit.SECONDS);
      assertEquals(FinishReason.ABORT, aborted.finishReason());
      assertEquals(5, aborted.completionTokens());
      assertArrayEquals(
          generation(3).run(alone, null).tokenIds(),
          late.result().get(30, TimeUnit.SECONDS).tokenIds());
      assertArrayEquals(
          new Generation(tok.encode("Once upon a time", true), SamplingParams.greedy(200), tok)
              .run(alone, null)
              .tokenIds(),
          longOne.result().get(30, TimeUnit.SECONDS).tokenIds());
    }
  }

  @Test
  void admissionIsBoundedAndMetricsReportTheQueue() throws Exception {
    CountDownLatch started = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    try (Decoder d = DecoderKind.all().get(0).open();
        ContinuousBatcher b = new ContinuousBatcher(d, new ContinuousBatcher.Options("q", 1, 2))) {
      Generation first =
          b.submit(
              new Generation(tok.encode("", true), SamplingParams.greedy(20), tok),
              new GenerationListener() {
                @Override
                public void onToken(TokenEvent e) {
                  if (e.index() == 1) { // from a decode step, after it joined the batch
                    started.countDown();
                    await(release); // holds the batcher thread: nothing else can join
                  }
                }
              });
      assertTrue(started.await(30, TimeUnit.SECONDS));
      Generation second = b.submit(generation(1), null);
      Generation third = b.submit(generation(2), null);
      try {
        assertEquals(2, b.queueDepth());
        assertEquals(1, b.activeSequences());
        assertTrue(b.kvCacheBytes() > 0);
        QueueFullException full =
            assertThrows(QueueFullException.class, () -> b.submit(generation(3), null));
        assertEquals(2, full.limit());
        // an aborted waiting generation gives its slot up at once, while the batcher is still held
        third.abort();
        Generation fourth = b.submit(generation(4), null);
        assertEquals(FinishReason.ABORT, third.result().get(5, TimeUnit.SECONDS).finishReason());
        third = fourth;
      } finally {
        release.countDown();
      }
      for (Generation g : List.of(first, second, third)) {
        assertTrue(g.result().get(30, TimeUnit.SECONDS).completionTokens() > 0);
      }
      assertEquals(0, b.queueDepth());
      BadParameterException tooLong =
          assertThrows(
              BadParameterException.class,
              () -> {
                int[] ids = new int[d.config().maxPositionEmbeddings() + 1];
                Arrays.fill(ids, 300);
                b.submit(new Generation(ids, SamplingParams.greedy(1), tok), null);
              });
      assertEquals("prompt", tooLong.param());
    }
  }

  @Test
  void anAbortedQueuedGenerationLeavesTheQueueAtOnce() throws Exception {
    try (Decoder d = DecoderKind.all().get(0).open();
        ContinuousBatcher b = new ContinuousBatcher(d, new ContinuousBatcher.Options("a", 1, 2))) {
      SamplingParams slow = SamplingParams.greedy(400).toBuilder().ignoreEos(true).build();
      CountDownLatch started = new CountDownLatch(1);
      Generation first =
          b.submit(
              new Generation(tok.encode("", true), slow, tok),
              new GenerationListener() {
                @Override
                public void onToken(TokenEvent e) {
                  started.countDown();
                  sleep(5); // 400 tokens take >= 2 s: the batch stays full meanwhile
                }
              });
      assertTrue(started.await(30, TimeUnit.SECONDS));
      Generation waiting = b.submit(generation(1), null);
      Generation other = b.submit(generation(2), null);
      waiting.abort();
      GenerationResult r = waiting.result().get(1, TimeUnit.SECONDS);
      assertEquals(FinishReason.ABORT, r.finishReason());
      assertEquals(0, r.completionTokens());
      assertTrue(!first.isDone(), "the aborted one left before the batch had room");
      assertEquals(1, b.queueDepth());
      b.submit(generation(3), null); // its slot is free again
      first.abort();
      assertTrue(other.result().get(30, TimeUnit.SECONDS).completionTokens() > 0);
    }
  }

  @Test
  void thePrefillBudgetSpreadsJoiningPromptsOverSteps() throws Exception {
    // budget 1 token: one prompt token per step, prompts one after the other (a prompt of n tokens
    // samples its first token n - 1 steps after its first chunk); budget 2: two tokens per step,
    // the next prompt starting in the step the previous one ends; a large budget: all three before
    // one step. Meanwhile the held generation decodes at every step.
    int n1 = generation(1).promptLength();
    int n2 = generation(2).promptLength();
    int n3 = generation(3).promptLength();
    assertEquals(
        List.of((long) n1 - 1, (long) n1 + n2 - 1, (long) n1 + n2 + n3 - 1), firstTokenSteps(1));
    assertEquals(
        List.of((long) (n1 - 1) / 2, (long) (n1 + n2 - 1) / 2, (long) (n1 + n2 + n3 - 1) / 2),
        firstTokenSteps(2));
    assertEquals(List.of(0L, 0L, 0L), firstTokenSteps(2048));
  }

  /** Decode steps run between the first token of the held generation and each joiner's. */
  private static List<Long> firstTokenSteps(int budget) throws Exception {
    CountDownLatch held = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    try (Decoder d = DecoderKind.all().get(0).open();
        ContinuousBatcher b =
            new ContinuousBatcher(d, new ContinuousBatcher.Options("p", 8, 8, budget, 0))) {
      b.submit(
          new Generation(tok.encode("", true), SamplingParams.greedy(40), tok),
          new GenerationListener() {
            @Override
            public void onToken(TokenEvent e) {
              if (e.index() == 1) {
                held.countDown();
                await(release); // the three below queue up meanwhile
              }
            }
          });
      assertTrue(held.await(30, TimeUnit.SECONDS));
      long base = b.steps();
      List<Long> at = new java.util.concurrent.CopyOnWriteArrayList<>();
      List<Generation> joiners = new ArrayList<>();
      try {
        for (int i = 1; i <= 3; i++) {
          joiners.add(
              b.submit(
                  generation(i),
                  new GenerationListener() {
                    @Override
                    public void onToken(TokenEvent e) {
                      if (e.index() == 0) {
                        at.add(b.steps() - base);
                      }
                    }
                  }));
        }
      } finally {
        release.countDown();
      }
      for (Generation g : joiners) {
        g.result().get(30, TimeUnit.SECONDS);
      }
      return List.copyOf(at);
    }
  }

  @Test
  void shutdownAbortsWhatIsLeftAndRefusesNewWork() throws Exception {
    CountDownLatch started = new CountDownLatch(1);
    Decoder d = DecoderKind.all().get(0).open();
    ContinuousBatcher b = new ContinuousBatcher(d, new ContinuousBatcher.Options("s", 1, 4));
    SamplingParams forever = SamplingParams.greedy(100_000).toBuilder().ignoreEos(true).build();
    Generation running =
        b.submit(
            new Generation(tok.encode("", true), forever, tok),
            new GenerationListener() {
              @Override
              public void onToken(TokenEvent e) {
                started.countDown();
                if (e.index() == 0) {
                  sleep(200); // long enough for the submits below to queue behind it
                }
              }
            });
    assertTrue(started.await(30, TimeUnit.SECONDS));
    Generation queued = b.submit(generation(1), null);
    b.shutdown(Duration.ZERO);
    assertEquals(FinishReason.ABORT, running.result().get(5, TimeUnit.SECONDS).finishReason());
    GenerationResult q = queued.result().get(5, TimeUnit.SECONDS);
    assertEquals(FinishReason.ABORT, q.finishReason());
    assertEquals(0, q.completionTokens());
    assertThrows(IllegalStateException.class, () -> b.submit(generation(2), null));
    assertEquals(0, b.kvCacheBytes());
    d.close();
  }

  @Test
  void tasksRunOnTheBatcherThreadBetweenStepsAndLeaveGenerationsAsTheyWere() throws Exception {
    CountDownLatch fiveTokens = new CountDownLatch(5);
    try (Decoder d = DecoderKind.all().get(0).open();
        ContinuousBatcher b = new ContinuousBatcher(d, ContinuousBatcher.Options.defaults("r"))) {
      // idle: a task runs on the batcher's thread, with its decoder
      String thread = b.run(dec -> dec == d ? Thread.currentThread().getName() : "another").get();
      assertEquals("shallows-batcher-r", thread);
      Generation running =
          b.submit(
              generation(4),
              new GenerationListener() {
                @Override
                public void onToken(TokenEvent e) {
                  fiveTokens.countDown();
                }
              });
      assertTrue(fiveTokens.await(30, TimeUnit.SECONDS));
      int[] tokens = tok.encode("Once upon a time", true);
      List<java.util.concurrent.Future<float[][]>> during = new java.util.ArrayList<>();
      for (int i = 0; i < 3; i++) {
        during.add(b.run(dec -> dec.residuals(tokens)));
      }
      float[][] expected = alone.residuals(tokens);
      for (java.util.concurrent.Future<float[][]> f : during) {
        float[][] got = f.get(30, TimeUnit.SECONDS);
        for (int l = 0; l < expected.length; l++) {
          assertArrayEquals(expected[l], got[l], 1e-5f);
        }
      }
      assertArrayEquals(
          generation(4).run(alone, null).tokenIds(),
          running.result().get(30, TimeUnit.SECONDS).tokenIds());
      java.util.concurrent.ExecutionException failed =
          assertThrows(
              java.util.concurrent.ExecutionException.class,
              () -> b.run(dec -> dec.residuals(new int[0])).get(30, TimeUnit.SECONDS));
      assertTrue(failed.getCause() instanceof IllegalArgumentException);
      b.close();
      assertThrows(IllegalStateException.class, () -> b.run(dec -> 1));
    }
  }

  @Test
  void gracefulShutdownLetsRunningGenerationsFinish() throws Exception {
    try (Decoder d = DecoderKind.all().get(0).open()) {
      ContinuousBatcher b = new ContinuousBatcher(d, ContinuousBatcher.Options.defaults("g"));
      Generation g = b.submit(generation(0), null);
      b.shutdown(Duration.ofSeconds(30));
      GenerationResult r = g.result().get(1, TimeUnit.SECONDS);
      assertEquals(FinishReason.LENGTH, r.finishReason());
      assertArrayEquals(generation(0).run(alone, null).tokenIds(), r.tokenIds());
    }
  }

  private static void await(CountDownLatch l) {
    try {
      l.await(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
