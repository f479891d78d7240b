package dev.shallows.engine.generate;

import java.util.Locale;
import java.util.Random;

/**
 * Per-token cost of sampling at a large vocabulary (a benchmark, not a test): prints µs/token for
 * greedy, temperature, top-k, top-p, logprobs and penalties on a Gaussian logits row. Run: {@code
 * java --add-modules jdk.incubator.vector -cp <engine classpath>
 * dev.shallows.engine.generate.SamplerBench [vocab]}.
 */
public final class SamplerBench {

  private SamplerBench() {}

  public static void main(String[] args) {
    int vocab = args.length > 0 ? Integer.parseInt(args[0]) : 32_000;
    Random r = new Random(1);
    float[] logits = new float[vocab]; // (V)
    for (int i = 0; i < vocab; i++) {
      logits[i] = (float) (r.nextGaussian() * 3);
    }
    SamplingParams.Builder t = SamplingParams.builder().temperature(0.8).seed(1L);
    Object[][] cases = {
      {"greedy", SamplingParams.greedy(1), false},
      {"temperature", t.build(), false},
      {"temperature+top_k=40", t.topK(40).build(), false},
      {"temperature+top_p=0.9", t.topK(0).topP(0.9).build(), false},
      {"top_p + logprobs=5", t.build(), true},
      {"top_p + penalties", t.presencePenalty(0.5).repetitionPenalty(1.1).build(), false},
    };
    System.out.printf(Locale.ROOT, "sampling cost per token, V = %d%n", vocab);
    for (Object[] c : cases) {
      TokenCounts counts = new TokenCounts(new int[] {1, 2, 3});
      for (int i = 0; i < 500; i++) {
        counts.addOutput(r.nextInt(vocab));
      }
      Sampler s = new Sampler((SamplingParams) c[1], counts);
      boolean logprobs = (Boolean) c[2];
      long best = Long.MAX_VALUE;
      for (int rep = 0; rep < 25; rep++) {
        long t0 = System.nanoTime();
        for (int i = 0; i < 200; i++) {
          float[] row = logits.clone();
          if (logprobs) {
            Sampler.topLogprobs(Sampler.logSoftmax(row), 5);
          }
          s.sample(row);
        }
        best = Math.min(best, (System.nanoTime() - t0) / 200);
      }
      System.out.printf(Locale.ROOT, "  %-24s %8.1f us%n", c[0], best / 1e3);
    }
  }
}
