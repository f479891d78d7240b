package dev.shallows.pruning.speculate;

import dev.shallows.engine.Decoder;
import dev.shallows.engine.SequenceState;
import dev.shallows.engine.generate.Sampler;
import java.util.ArrayList;
import java.util.List;

/**
 * Whether a pruned variant would pay as a speculative-decoding draft for its full model (greedy):
 * the full model writes greedy continuations of some prompts; the draft, fed the same tokens,
 * predicts each next one (teacher forcing gives exactly its proposals along the accepted path).
 * From the per-position agreement it gives the tokens one draft-and-verify cycle yields with up to
 * k drafted tokens (the agreed run plus the verifier's own token), and with measured times of a
 * draft step, a full step and a verify pass of k+1 tokens, the speed against plain decoding.
 */
public final class DraftAcceptance {

  private DraftAcceptance() {}

  /** The full model's greedy continuations ({@code tokens} each) of {@code prompts}. */
  public static List<int[]> continuations(Decoder full, List<int[]> prompts, int tokens) {
    List<int[]> out = new ArrayList<>();
    for (int[] prompt : prompts) {
      try (SequenceState s = full.newSequence(prompt.length + tokens)) {
        float[] logits = full.prefill(s, prompt, false)[0];
        int[] cont = new int[tokens];
        for (int i = 0; i < tokens; i++) {
          cont[i] = Sampler.argmax(logits);
          if (i + 1 < tokens) {
            logits = full.decode(List.of(s), new int[] {cont[i]})[0];
          }
        }
        out.add(cont);
      }
    }
    return out;
  }

  /**
   * Per prompt, whether the draft's argmax after prompt + continuation[0..i) is continuation[i].
   */
  public static List<boolean[]> agreement(
      Decoder draft, List<int[]> prompts, List<int[]> continuations) {
    List<boolean[]> out = new ArrayList<>();
    for (int p = 0; p < prompts.size(); p++) {
      int[] prompt = prompts.get(p);
      int[] cont = continuations.get(p);
      int[] all = new int[prompt.length + cont.length - 1];
      System.arraycopy(prompt, 0, all, 0, prompt.length);
      System.arraycopy(cont, 0, all, prompt.length, cont.length - 1);
      try (SequenceState s = draft.newSequence(all.length)) {
        float[][] logits = draft.prefill(s, all, true); // (T, V)
        boolean[] agree = new boolean[cont.length];
        for (int i = 0; i < cont.length; i++) {
          agree[i] = Sampler.argmax(logits[prompt.length - 1 + i]) == cont[i];
        }
        out.add(agree);
      }
    }
    return out;
  }

  /** The fraction of positions where the draft agrees. */
  public static double rate(List<boolean[]> agreement) {
    int yes = 0;
    int all = 0;
    for (boolean[] a : agreement) {
      for (boolean b : a) {
        yes += b ? 1 : 0;
        all++;
      }
    }
    return all == 0 ? 0 : (double) yes / all;
  }

  /**
   * Tokens per draft-and-verify cycle with up to {@code k} drafted tokens, greedy: from each
   * cycle's start the agreed run (at most k) is accepted and the verifier adds one token.
   */
  public static double tokensPerCycle(List<boolean[]> agreement, int k) {
    long tokens = 0;
    long cycles = 0;
    for (boolean[] a : agreement) {
      int i = 0;
      while (i < a.length) {
        int run = 0;
        while (run < k && i + run < a.length && a[i + run]) {
          run++;
        }
        int step = Math.min(run + 1, a.length - i);
        tokens += step;
        cycles++;
        i += step;
      }
    }
    return cycles == 0 ? 0 : (double) tokens / cycles;
  }

  /** Timed runs per figure; the fastest counts (the others met a busy host or the JIT). */
  private static final int RUNS = 5;

  /**
   * Milliseconds per greedy decode step of one sequence after {@code prompt}: the fastest of
   * {@value #RUNS} runs of {@code steps} steps, after one untimed run.
   */
  public static double decodeMillis(Decoder d, int[] prompt, int steps) {
    double best = Double.MAX_VALUE;
    for (int run = 0; run <= RUNS; run++) {
      try (SequenceState s = d.newSequence(prompt.length + steps + 1)) {
        int t = Sampler.argmax(d.prefill(s, prompt, false)[0]);
        long t0 = System.nanoTime();
        for (int i = 0; i < steps; i++) {
          t = Sampler.argmax(d.decode(List.of(s), new int[] {t})[0]);
        }
        double ms = (System.nanoTime() - t0) / 1e6 / steps;
        best = run == 0 ? best : Math.min(best, ms);
      }
    }
    return best;
  }

  /**
   * Milliseconds per verify pass ({@code tokens} new tokens at once, logits at every one): the
   * fastest of {@code repeats} passes, after one untimed pass.
   */
  public static double verifyMillis(Decoder d, int[] prompt, int tokens, int repeats) {
    try (SequenceState s = d.newSequence(prompt.length + tokens)) {
      d.prefill(s, prompt, false);
      int[] probe = new int[tokens];
      System.arraycopy(prompt, 0, probe, 0, Math.min(tokens, prompt.length));
      double best = Double.MAX_VALUE;
      for (int r = 0; r <= repeats; r++) {
        long t0 = System.nanoTime();
        d.prefill(s, probe, true);
        double ms = (System.nanoTime() - t0) / 1e6;
        s.truncate(prompt.length);
        best = r == 0 ? best : Math.min(best, ms);
      }
      return best;
    }
  }
}
