package dev.shallows.engine.generate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Each sampling piece against values computed by hand. */
class SamplerTest {

  private static final float NEG_INF = Float.NEGATIVE_INFINITY;

  @Test
  void argmaxTakesTheFirstOfEqualMaxima() {
    assertEquals(1, Sampler.argmax(new float[] {1, 3, 3, 2}));
    assertEquals(0, Sampler.argmax(new float[] {7}));
    assertEquals(2, Sampler.argmax(new float[] {-5, -4, -1}));
  }

  @Test
  void softmaxOfLogsIsTheNormalisedRatio() {
    // logits ln1, ln2, ln3 -> 1/6, 2/6, 3/6
    double[] p = Sampler.softmax(new float[] {0f, (float) Math.log(2), (float) Math.log(3)});
    assertArrayEquals(new double[] {1 / 6.0, 2 / 6.0, 3 / 6.0}, p, 1e-7);
    double[] q = Sampler.softmax(new float[] {NEG_INF, 100f, 100f});
    assertArrayEquals(new double[] {0, 0.5, 0.5}, q, 1e-12);
  }

  @Test
  void logSoftmaxMatchesLogOfHandProbabilities() {
    double[] lp = Sampler.logSoftmax(new float[] {0f, (float) Math.log(2), (float) Math.log(3)});
    assertArrayEquals(
        new double[] {Math.log(1 / 6.0), Math.log(2 / 6.0), Math.log(3 / 6.0)}, lp, 1e-7);
  }

  @Test
  void temperatureScalesLogits() {
    float[] l = {2f, 4f, -6f};
    Sampler.scale(l, 1 / 2.0);
    assertArrayEquals(new float[] {1f, 2f, -3f}, l);
  }

  @Test
  void topKKeepsExactlyKPreferringLowerIndexOnTies() {
    float[] l = {1, 5, 3, 5};
    Sampler.topK(l, 2);
    assertArrayEquals(new float[] {NEG_INF, 5, NEG_INF, 5}, l);
    float[] m = {1, 5, 3, 3};
    Sampler.topK(m, 2);
    assertArrayEquals(new float[] {NEG_INF, 5, 3, NEG_INF}, m);
  }

  @Test
  void topPKeepsTheSmallestNucleusReachingP() {
    double[] p = {0.1, 0.5, 0.15, 0.25};
    Sampler.topP(p, 0.7); // 0.5 + 0.25 = 0.75 >= 0.7
    assertArrayEquals(new double[] {0, 0.5 / 0.75, 0, 0.25 / 0.75}, p, 1e-12);
    double[] q = {0.1, 0.5, 0.15, 0.25};
    Sampler.topP(q, 0.5); // the top token alone reaches 0.5
    assertArrayEquals(new double[] {0, 1, 0, 0}, q, 1e-12);
    double[] r = {0.1, 0.5, 0.15, 0.25};
    Sampler.topP(r, 0.95); // needs 0.5 + 0.25 + 0.15 = 0.9 < 0.95, so all four
    assertArrayEquals(new double[] {0.1, 0.5, 0.15, 0.25}, r, 1e-12);
  }

  @Test
  void minPKeepsTokensAtLeastPTimesTheMostLikely() {
    double[] p = {0.15, 0.5, 0.05, 0.3};
    Sampler.minP(p, 0.4); // floor 0.2: 0.5 and 0.3 stay
    assertArrayEquals(new double[] {0, 0.5 / 0.8, 0, 0.3 / 0.8}, p, 1e-12);
    double[] q = {0.15, 0.5, 0.05, 0.3};
    Sampler.minP(q, 1); // only the most likely
    assertArrayEquals(new double[] {0, 1, 0, 0}, q, 1e-12);
    // sampled through the params: a token below the floor is never drawn
    SamplingParams params = SamplingParams.builder().temperature(1).minP(0.3).seed(3L).build();
    Sampler s = new Sampler(params, new TokenCounts(new int[0]));
    float[] logits = {0f, (float) Math.log(0.2), (float) Math.log(0.5)}; // 0.2 of the top: out
    java.util.Set<Integer> drawn = new java.util.HashSet<>();
    for (int i = 0; i < 2000; i++) {
      drawn.add(s.sample(logits.clone()));
    }
    assertEquals(java.util.Set.of(0, 2), drawn);
  }

  @Test
  void drawInvertsTheCumulativeDistribution() {
    double[] p = {0.2, 0.3, 0.5};
    assertEquals(0, Sampler.draw(p, 0.0));
    assertEquals(0, Sampler.draw(p, 0.1999));
    assertEquals(1, Sampler.draw(p, 0.2));
    assertEquals(1, Sampler.draw(p, 0.4999));
    assertEquals(2, Sampler.draw(p, 0.5));
    assertEquals(2, Sampler.draw(p, 0.9999999));
    assertEquals(2, Sampler.draw(new double[] {0.5, 0, 0.25, 0}, 0.9)); // mass < 1: last nonzero
  }

  @Test
  void repetitionPenaltyDividesPositiveAndMultipliesNegativeLogits() {
    TokenCounts c = new TokenCounts(new int[] {0, 1});
    float[] l = {2f, -2f, 3f};
    Sampler.applyPenalties(l, c, 2.0, 0, 0);
    assertArrayEquals(new float[] {1f, -4f, 3f}, l);
  }

  @Test
  void presenceAndFrequencyPenaltiesCountOnlyTheOutput() {
    TokenCounts c = new TokenCounts(new int[] {0}); // prompt tokens are not penalised
    c.addOutput(2);
    c.addOutput(2);
    c.addOutput(2);
    c.addOutput(1);
    float[] l = {1f, 1f, 3f};
    Sampler.applyPenalties(l, c, 1.0, 0.5, 0.25);
    // token 1: 1 - 0.25*1 - 0.5 = 0.25; token 2: 3 - 0.25*3 - 0.5 = 1.75
    assertArrayEquals(new float[] {1f, 0.25f, 1.75f}, l, 1e-6f);
  }

  @Test
  void logitBiasIsAddedBeforeTheChoice() {
    float[] logits = {2f, 5f, 4.5f};
    SamplingParams ban =
        SamplingParams.builder().temperature(0).logitBias(java.util.Map.of(1, -100.0)).build();
    assertEquals(2, new Sampler(ban, new TokenCounts(new int[] {0})).sample(logits.clone()));
    SamplingParams force =
        SamplingParams.builder().temperature(0).logitBias(java.util.Map.of(0, 3.5)).build();
    float[] l = logits.clone();
    assertEquals(0, new Sampler(force, new TokenCounts(new int[] {0})).sample(l));
    assertArrayEquals(new float[] {5.5f, 5f, 4.5f}, l, 1e-6f);
    // and sampled (temperature 1): a -100 bias leaves the token out in practice
    SamplingParams sampled =
        SamplingParams.builder().seed(3L).logitBias(java.util.Map.of(1, -100.0, 2, -100.0)).build();
    Sampler s = new Sampler(sampled, new TokenCounts(new int[] {0}));
    for (int i = 0; i < 200; i++) {
      assertEquals(0, s.sample(logits.clone()));
    }
  }

  @Test
  void onlyAllowedTokensAreSampled() {
    float[] logits = {2f, 5f, 4.5f, 1f};
    SamplingParams greedy =
        SamplingParams.builder().temperature(0).allowedTokenIds(List.of(0, 3)).build();
    assertEquals(0, new Sampler(greedy, new TokenCounts(new int[] {0})).sample(logits.clone()));
    Sampler s =
        new Sampler(
            SamplingParams.builder().seed(5L).allowedTokenIds(List.of(2, 3)).build(),
            new TokenCounts(new int[] {0}));
    java.util.Set<Integer> seen = new java.util.HashSet<>();
    for (int i = 0; i < 2000; i++) {
      seen.add(s.sample(logits.clone()));
    }
    assertEquals(java.util.Set.of(2, 3), seen, "both allowed tokens, and nothing else");
    assertThrows(
        BadParameterException.class,
        () -> SamplingParams.builder().allowedTokenIds(List.of(-1)).build());
  }

  @Test
  void logitBiasOutsideItsRangeIsRefused() {
    BadParameterException e =
        org.junit.jupiter.api.Assertions.assertThrows(
            BadParameterException.class,
            () -> SamplingParams.builder().logitBias(java.util.Map.of(4, 100.5)).build());
    assertEquals("logit_bias", e.param());
  }

  @Test
  void topIndicesAreBestFirst() {
    assertArrayEquals(new int[] {1, 3, 2}, Sampler.topIndices(new double[] {.1, .9, .5, .9}, 3));
    assertArrayEquals(new int[] {2, 0}, Sampler.topIndices(new float[] {3, 1, 4}, 2));
    assertArrayEquals(new int[] {2, 0, 1}, Sampler.topIndices(new float[] {3, 1, 4}, 10));
    List<TopLogprob> top = Sampler.topLogprobs(new double[] {-3, -0.1, -2}, 2);
    assertEquals(List.of(new TopLogprob(1, -0.1), new TopLogprob(2, -2)), top);
  }

  @Test
  void temperatureZeroIsArgmaxWhateverTheSeed() {
    SamplingParams greedy = SamplingParams.builder().temperature(0).seed(1L).build();
    Sampler s = new Sampler(greedy, new TokenCounts(new int[] {0}));
    assertEquals(3, s.sample(new float[] {0.5f, 1f, -2f, 4f}));
  }

  @Test
  void topKOfOneIsGreedy() {
    SamplingParams p = SamplingParams.builder().temperature(1.5).topK(1).seed(7L).build();
    Sampler s = new Sampler(p, new TokenCounts(new int[] {0}));
    for (int i = 0; i < 50; i++) {
      assertEquals(1, s.sample(new float[] {0.9f, 1f, 0.95f}));
    }
  }

  @Test
  void sameSeedSameTokensDifferentSeedDifferentTokens() {
    float[] logits = new float[50];
    for (int i = 0; i < logits.length; i++) {
      logits[i] = (float) Math.sin(i); // a spread-out distribution
    }
    int[] a = draws(42L, logits, 100);
    int[] b = draws(42L, logits, 100);
    int[] c = draws(43L, logits, 100);
    assertArrayEquals(a, b);
    assertNotEquals(Arrays.toString(a), Arrays.toString(c));
  }

  @Test
  void samplingFrequenciesFollowTheTemperedSoftmax() {
    // logits ln1, ln2, ln3 at temperature 0.5 -> probabilities 1:4:9 (squared), i.e. 1/14, 4/14,
    // 9/14
    float[] logits = {0f, (float) Math.log(2), (float) Math.log(3)};
    SamplingParams p = SamplingParams.builder().temperature(0.5).seed(5L).build();
    Sampler s = new Sampler(p, new TokenCounts(new int[] {0}));
    int n = 40_000;
    int[] hits = new int[3];
    for (int i = 0; i < n; i++) {
      hits[s.sample(logits.clone())]++;
    }
    double[] want = {1 / 14.0, 4 / 14.0, 9 / 14.0};
    for (int i = 0; i < 3; i++) {
      double sd = Math.sqrt(want[i] * (1 - want[i]) / n);
      assertEquals(want[i], hits[i] / (double) n, 5 * sd, "token " + i);
    }
  }

  @Test
  void topPSamplingNeverLeavesTheNucleus() {
    // probabilities 0.1, 0.5, 0.15, 0.25 -> nucleus at 0.7 is {1, 3}
    float[] logits = new float[4];
    double[] probs = {0.1, 0.5, 0.15, 0.25};
    for (int i = 0; i < 4; i++) {
      logits[i] = (float) Math.log(probs[i]);
    }
    SamplingParams p = SamplingParams.builder().temperature(1).topP(0.7).seed(9L).build();
    Sampler s = new Sampler(p, new TokenCounts(new int[] {0}));
    int[] hits = new int[4];
    for (int i = 0; i < 3000; i++) {
      hits[s.sample(logits.clone())]++;
    }
    assertEquals(0, hits[0]);
    assertEquals(0, hits[2]);
    assertEquals(2.0, hits[1] / (double) hits[3], 0.3); // 0.5 : 0.25
  }

  private static int[] draws(long seed, float[] logits, int n) {
    SamplingParams p = SamplingParams.builder().temperature(1).seed(seed).build();
    Sampler s = new Sampler(p, new TokenCounts(new int[] {0}));
    int[] out = new int[n];
    for (int i = 0; i < n; i++) {
      out[i] = s.sample(logits.clone());
    }
    return out;
  }
}
