package dev.shallows.pruning.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shallows.engine.Decoder;
import dev.shallows.engine.ReferenceLlama;
import dev.shallows.pruning.Cancellation;
import dev.shallows.pruning.LoadedModel;
import dev.shallows.pruning.ProgressListener;
import dev.shallows.pruning.data.TokenEncoder;
import dev.shallows.pruning.fixtures.Stories260K;
import dev.shallows.store.Checkpoint;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Evaluation on stories260K against a hand computation: the double-precision ReferenceLlama scores
 * every continuation over the whole token sequence, and the expected accuracy is counted here.
 */
class MultipleChoiceEvalTest {

  @TempDir Path tmp;

  @Test
  void mmluAccuracyMatchesAHandComputation() throws Exception {
    Files.createDirectories(tmp.resolve("dev"));
    Files.createDirectories(tmp.resolve("test"));
    Files.writeString(
        tmp.resolve("dev/stories_dev.csv"),
        "question,choice0,choice1,choice2,choice3,answer\n"
            + "What did Lily find?,a ball,a cat,a tree,a car,0\n"
            + "Who was happy?,the sun,the dog,the box,the sky,1\n");
    Files.writeString(
        tmp.resolve("test/stories_test.csv"),
        "question,choice0,choice1,choice2,choice3,answer\n"
            + "What color is the sky?,green,blue,red,black,1\n"
            + "What does a cat say?,woof,moo,meow,quack,2\n"
            + "\"Where do fish live, mostly?\",in water,in trees,in cars,in the sky,0\n"
            + "What do you sleep in?,a bed,a cup,a shoe,a hat,0\n"
            + "Tim was sad. Why?,He lost his toy,He ate cake,He won,He smiled,0\n");
    List<ChoiceItem> items = MmluTask.load(tmp, 2, 0);
    try (LoadedModel m = LoadedModel.open(Stories260K.dir());
        Decoder decoder = m.decoder();
        Checkpoint ckpt = Checkpoint.open(Stories260K.dir())) {
      ReferenceLlama ref = new ReferenceLlama(ckpt);
      AtomicInteger events = new AtomicInteger();
      AccuracyResult r =
          new MultipleChoiceEval(decoder, m.encoder(), 512)
              .run(
                  "mmlu",
                  "hand-made",
                  items,
                  2,
                  (s, d, t) -> events.incrementAndGet(),
                  Cancellation.none());
      assertEquals(items.size() + 1, events.get());
      int expectedCorrect = 0;
      for (int i = 0; i < items.size(); i++) {
        ChoiceItem it = items.get(i);
        double[] expected = referenceScores(ref, m.encoder(), it.context(2), it.continuations());
        AccuracyResult.ItemOutcome got = r.items().get(i);
        assertArrayEquals(expected, got.logLikelihoods(), 1e-3);
        assertEquals(2, got.shots());
        int argmax = argmax(expected);
        assertEquals(argmax, got.predicted(), "item " + it.id());
        expectedCorrect += argmax == it.answer() ? 1 : 0;
      }
      assertEquals(5, r.n());
      assertEquals(expectedCorrect, r.correct());
      assertEquals(expectedCorrect / 5.0, r.accuracy(), 1e-12);
      assertEquals(Statistics.wilson(expectedCorrect, 5, Statistics.Z95), r.ci95());
    }
  }

  @Test
  void multiTokenContinuationsMatchTheReference() {
    ChoiceItem item =
        new ChoiceItem(
            "story/0",
            "",
            List.of(),
            "Once upon a time, there was a little girl named Lily. She saw",
            List.of(" a big red ball.", " the cat", " an elephant dancing on the moon"),
            0);
    try (LoadedModel m = LoadedModel.open(Stories260K.dir());
        Decoder decoder = m.decoder();
        Checkpoint ckpt = Checkpoint.open(Stories260K.dir())) {
      ReferenceLlama ref = new ReferenceLlama(ckpt);
      AccuracyResult.ItemOutcome got =
          new MultipleChoiceEval(decoder, m.encoder(), 512).score(item, 0);
      double[] expected = referenceScores(ref, m.encoder(), item.context(0), item.continuations());
      assertArrayEquals(expected, got.logLikelihoods(), 1e-3);
      assertEquals(argmax(expected), got.predicted());

      // per byte: the same log-likelihoods divided by the answers' UTF-8 lengths (16, 8, 32)
      AccuracyResult.ItemOutcome perByte =
          new MultipleChoiceEval(decoder, m.encoder(), 512, MultipleChoiceEval.Scoring.PER_BYTE)
              .score(item, 0);
      double[] normalized = {expected[0] / 16, expected[1] / 8, expected[2] / 32};
      assertArrayEquals(normalized, perByte.logLikelihoods(), 1e-4);
      assertEquals(argmax(normalized), perByte.predicted());
    }
  }

  @Test
  void continuationsThatMergeWithTheContextMatchTheReference() {
    // the context ends mid-word: "w..." merges with "sa" into one token, " da..." does not, so
    // the choices share less than the whole context and the scored tokens start at different places
    String context = "Once upon a time, there was a little girl named Lily. She sa";
    List<String> choices = List.of("w a big red ball.", "t down on the grass", " danced");
    ChoiceItem item = new ChoiceItem("merge/0", "", List.of(), context, choices, 0);
    try (LoadedModel m = LoadedModel.open(Stories260K.dir());
        Decoder decoder = m.decoder();
        Checkpoint ckpt = Checkpoint.open(Stories260K.dir())) {
      int[] ctx = m.encoder().encode(context);
      int merged =
          MultipleChoiceEval.commonPrefix(ctx, m.encoder().encode(context + choices.get(0)));
      assertTrue(merged < ctx.length, "the test needs a choice that merges with the context");
      double[] expected =
          referenceScores(new ReferenceLlama(ckpt), m.encoder(), context, item.continuations());
      AccuracyResult.ItemOutcome got =
          new MultipleChoiceEval(decoder, m.encoder(), 512).score(item, 0);
      assertArrayEquals(expected, got.logLikelihoods(), 1e-3);
      assertEquals(argmax(expected), got.predicted());
    }
  }

  @Test
  void longPromptsDropShotsAndCancellationStops() {
    ChoiceItem item =
        new ChoiceItem(
            "x/0",
            "Header.\n\n",
            List.of("Q: one?\nAnswer: A\n\n".repeat(8), "Q: two?\nAnswer: B\n\n".repeat(8)),
            "Q: three?\nAnswer:",
            List.of(" A", " B"),
            1);
    try (LoadedModel m = LoadedModel.open(Stories260K.dir());
        Decoder decoder = m.decoder()) {
      int oneShot = m.encoder().encode(item.context(1) + " A").length;
      int twoShot = m.encoder().encode(item.context(2) + " A").length;
      assertTrue(oneShot < twoShot);
      MultipleChoiceEval eval = new MultipleChoiceEval(decoder, m.encoder(), oneShot + 1);
      assertEquals(1, eval.score(item, 2).shots());
      Cancellation cancel = new Cancellation();
      cancel.cancel();
      assertThrows(
          CancellationException.class,
          () -> eval.run("x", "x", List.of(item), 2, ProgressListener.NONE, cancel));
    }
  }

  @Test
  void normalizedLossMatchesTheReference() {
    List<String> docs =
        List.of(
            "Once upon a time, there was a little dog. He liked to run in the park.",
            "Lily and Tom went to the beach. They built a big sand castle and were very happy.");
    try (LoadedModel m = LoadedModel.open(Stories260K.dir());
        Decoder decoder = m.decoder();
        Checkpoint ckpt = Checkpoint.open(Stories260K.dir())) {
      ReferenceLlama ref = new ReferenceLlama(ckpt);
      int window = 12; // forces several windows per document
      LossResult r =
          new LossEval(decoder, m.encoder(), window)
              .run("two stories", docs, ProgressListener.NONE, Cancellation.none());
      double sum = 0;
      long count = 0;
      for (String d : docs) {
        int[] ids = m.encoder().encode(d);
        for (int s = 0; s + 1 < ids.length; s += window) {
          int[] w = Arrays.copyOfRange(ids, s, Math.min(ids.length, s + window));
          double[][] logits = ref.logits(w);
          for (int i = 0; i + 1 < w.length; i++) {
            sum -= logSoftmax(logits[i], w[i + 1]);
            count++;
          }
        }
      }
      assertEquals(count, r.tokens());
      assertEquals(sum / count, r.meanLoss(), 1e-4);
      assertEquals(sum / count / Math.log(512), r.normalizedLoss(), 1e-5);
      assertTrue(r.ci95().low() < r.normalizedLoss() && r.normalizedLoss() < r.ci95().high());
    }
  }

  /** Scores each continuation over the whole sequence with the reference model. */
  private static double[] referenceScores(
      ReferenceLlama ref, TokenEncoder enc, String context, List<String> continuations) {
    int[] ctx = enc.encode(context);
    double[] out = new double[continuations.size()];
    for (int c = 0; c < out.length; c++) {
      int[] full = enc.encode(context + continuations.get(c));
      int p = 0;
      while (p < ctx.length && p < full.length && ctx[p] == full[p]) {
        p++;
      }
      double[][] logits = ref.logits(full); // (T, V)
      for (int i = p; i < full.length; i++) {
        out[c] += logSoftmax(logits[i - 1], full[i]);
      }
    }
    return out;
  }

  private static double logSoftmax(double[] logits, int token) {
    double max = Arrays.stream(logits).max().orElseThrow();
    double sum = 0;
    for (double v : logits) {
      sum += Math.exp(v - max);
    }
    return logits[token] - max - Math.log(sum);
  }

  private static int argmax(double[] v) {
    int b = 0;
    for (int i = 1; i < v.length; i++) {
      if (v[i] > v[b]) {
        b = i;
      }
    }
    return b;
  }
}
