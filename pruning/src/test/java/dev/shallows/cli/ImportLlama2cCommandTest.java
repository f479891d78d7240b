package dev.shallows.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shallows.store.Checkpoint;
import dev.shallows.store.SharedData;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code shallows import-llama2c}: exit codes, messages, and the directory it writes. */
class ImportLlama2cCommandTest {

  static final String CKPT = SharedData.resolve("llama2c/stories260K.bin").toString();
  static final String TOK = SharedData.resolve("llama2c/tok512.bin").toString();

  @TempDir Path tmp;
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();
  private PrintStream oldOut;
  private PrintStream oldErr;

  @BeforeEach
  void capture() {
    oldOut = System.out;
    oldErr = System.err;
    System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
    System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  @AfterEach
  void restore() {
    System.setOut(oldOut);
    System.setErr(oldErr);
  }

  private int run(String... args) {
    out.reset();
    err.reset();
    return ShallowsCli.run(args);
  }

  @Test
  void importsAndRefusesToOverwrite() {
    Path dir = tmp.resolve("stories");
    String d = dir.toString();
    assertEquals(0, run("import-llama2c", "--checkpoint", CKPT, "--tokenizer", TOK, "--out", d));
    assertTrue(out.toString().contains("5 layers"), out.toString());
    try (Checkpoint ck = Checkpoint.open(dir)) {
      assertEquals(5, ck.config().numHiddenLayers());
    }
    assertTrue(Files.isRegularFile(dir.resolve("tokenizer.json")));
    assertEquals(1, run("import-llama2c", "--checkpoint", CKPT, "--tokenizer", TOK, "--out", d));
    assertTrue(err.toString().contains("not empty"), err.toString());
    assertEquals(
        0, run("import-llama2c", "--checkpoint", CKPT, "--tokenizer", TOK, "--out", d, "--force"));
  }

  @Test
  void badInputsFailClearly() {
    String d = tmp.resolve("x").toString();
    String missing = tmp.resolve("nope.bin").toString();
    assertEquals(1, run("import-llama2c", "--checkpoint", missing, "--tokenizer", TOK, "--out", d));
    assertTrue(err.toString().contains("not found") && err.toString().contains("nope.bin"));
    assertEquals(1, run("import-llama2c", "--checkpoint", TOK, "--tokenizer", TOK, "--out", d));
    assertTrue(err.toString().startsWith("error: "), err.toString());
    assertEquals(2, run("import-llama2c", "--checkpoint", CKPT, "--out", d));
    assertTrue(err.toString().contains("--tokenizer"), err.toString());
    assertFalse(Files.exists(tmp.resolve("x")));
    assertEquals(0, run("import-llama2c", "--help"));
    assertTrue(out.toString().contains("--checkpoint"));
  }
}
