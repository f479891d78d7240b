package dev.shallows.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shallows.engine.generate.Stories260K;
import dev.shallows.pruning.speculate.DraftAcceptance;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@code shallows draft-bench} on stories260K: a draft that drops no layer agrees with the full
 * model everywhere (teacher forcing lines up), one that drops a layer does not; and the
 * tokens-per-cycle arithmetic on hand-made agreement patterns.
 */
class DraftBenchCommandTest {

  @Test
  void theFullModelAsItsOwnDraftAgreesEverywhere() {
    GenerateCommandTest.Run r =
        GenerateCommandTest.cli(
            "draft-bench",
            "--model",
            Stories260K.dir().toString(),
            "--strategy",
            "last",
            "--drop",
            "0,2",
            "--prompts",
            "3",
            "--prompt-tokens",
            "8",
            "--tokens",
            "16",
            "--max-draft",
            "3");
    assertEquals(0, r.code(), r.err());
    String[] lines = r.out().strip().split("\n");
    String[] none = lines[lines.length - 2].trim().split("\\s+");
    String[] two = lines[lines.length - 1].trim().split("\\s+");
    assertEquals("0", none[0]);
    assertEquals("1.000", none[1], r.out());
    assertTrue(
        Double.parseDouble(none[4]) >= 2,
        "every cycle yields its k drafts and one more: " + r.out());
    assertEquals("2", two[0]);
    assertTrue(Double.parseDouble(two[1]) < 1, r.out());
  }

  @Test
  void tokensPerCycleCountTheAgreedRunAndTheVerifiersToken() {
    boolean t = true;
    boolean f = false;
    // k = 2: [t t] + 1 -> 3 tokens, [f] -> 1 (the verifier's own), [t t] + 1 -> 3
    List<boolean[]> a = List.of(new boolean[] {t, t, t, f, t, t, t});
    assertEquals(7.0 / 3, DraftAcceptance.tokensPerCycle(a, 2), 1e-9);
    assertEquals(7.0 / 4, DraftAcceptance.tokensPerCycle(a, 1), 1e-9);
    assertEquals(1.0, DraftAcceptance.tokensPerCycle(List.of(new boolean[] {f, f, f}), 4), 1e-9);
    assertEquals(6.0 / 7, DraftAcceptance.rate(a), 1e-9);
  }
}
