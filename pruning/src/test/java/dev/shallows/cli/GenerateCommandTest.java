package dev.shallows.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shallows.engine.generate.Stories260K;
import dev.shallows.store.SharedData;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code shallows generate} end to end on the imported stories260K. */
class GenerateCommandTest {

  /** Exit code, stdout and stderr of one CLI run. */
  record Run(int code, String out, String err) {}

  static Run cli(String... args) {
    PrintStream oldOut = System.out;
    PrintStream oldErr = System.err;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    try {
      System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
      System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
      int code = ShallowsCli.run(args);
      return new Run(
          code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    } finally {
      System.setOut(oldOut);
      System.setErr(oldErr);
    }
  }

  @Test
  void greedyPromptedRunPrintsLlama2csReference() throws IOException {
    // expected_greedy_prompts_64steps.txt: run.c -t 0 -n 64 -i "Once upon a time"; 64 forward
    // passes over BOS + prompt, so the completion has 64 - (prompt tokens) tokens
    String file =
        Files.readString(SharedData.resolve("llama2c/expected_greedy_prompts_64steps.txt"));
    String expected = file.substring(file.indexOf('\n') + 1, file.indexOf("\n### end"));
    String prompt = "Once upon a time";
    int promptTokens = Stories260K.tokenizer().encode(prompt, false).length;
    Run r =
        cli(
            "generate",
            "--model",
            Stories260K.dir().toString(),
            "--prompt",
            prompt,
            "--max-tokens",
            String.valueOf(64 - promptTokens),
            "--temperature",
            "0");
    assertEquals(0, r.code(), r.err());
    assertEquals(expected + System.lineSeparator(), r.out());
    assertTrue(r.err().contains("finish_reason=length"), r.err());
  }

  @Test
  void aSeedReproducesSampledText() {
    String model = Stories260K.dir().toString();
    Run a =
        cli("generate", "--model", model, "--max-tokens", "30", "--seed", "7", "--top-p", "0.9");
    Run b =
        cli("generate", "--model", model, "--max-tokens", "30", "--seed", "7", "--top-p", "0.9");
    Run c =
        cli("generate", "--model", model, "--max-tokens", "30", "--seed", "8", "--top-p", "0.9");
    assertEquals(0, a.code(), a.err());
    assertEquals(a.out(), b.out());
    assertNotEquals(a.out(), c.out());
  }

  @Test
  void helpListsTheOptions() {
    Run r = cli("generate", "--help");
    assertEquals(0, r.code());
    for (String opt :
        new String[] {
          "--model", "--prompt", "--max-tokens", "--temperature", "--top-p", "--top-k", "--seed"
        }) {
      assertTrue(r.out().contains(opt), opt);
    }
  }

  @Test
  void badArgumentsAreUsageErrorsNamingTheOption(@TempDir Path empty) {
    String model = Stories260K.dir().toString();
    Run topP = cli("generate", "--model", model, "--top-p", "1.5");
    assertEquals(2, topP.code());
    assertTrue(topP.err().contains("--top-p: must be in (0, 1]"), topP.err());
    Run temp = cli("generate", "--model", model, "--temperature", "-1");
    assertEquals(2, temp.code());
    assertTrue(temp.err().contains("--temperature"), temp.err());
    Run notANumber = cli("generate", "--model", model, "--max-tokens", "many");
    assertEquals(2, notANumber.code());
    assertTrue(notANumber.err().contains("--max-tokens"), notANumber.err());
    Run noModel = cli("generate", "--model", empty.toString());
    assertEquals(2, noModel.code());
    assertTrue(noModel.err().contains("--model"), noModel.err());
  }
}
