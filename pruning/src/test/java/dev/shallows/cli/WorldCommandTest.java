package dev.shallows.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WorldCommandTest {

  @Test
  void writesCorpusTokenizerAndEvalSets(@TempDir Path dir) {
    int rc =
        ShallowsCli.run(
            "world",
            "--out",
            dir.toString(),
            "--seed",
            "3",
            "--people",
            "12",
            "--bios",
            "1",
            "--cards",
            "0",
            "--mc-per-fact",
            "1",
            "--yesno-per-fact",
            "1",
            "--natural-chars",
            "0",
            "--heldout-chars",
            "0",
            "--vocab",
            "300",
            "--mc",
            "20",
            "--dev",
            "2",
            "--yesno",
            "20");
    assertEquals(0, rc);
    for (String f :
        new String[] {
          "world.json",
          "manifest.json",
          "train/train.jsonl",
          "tokenizer/tokenizer.json",
          "tokenizer/tokenizer_config.json",
          "eval/mmlu/test/world_knowledge_test.csv",
          "eval/mmlu/dev/world_knowledge_dev.csv",
          "eval/boolq/val.jsonl"
        }) {
      assertTrue(Files.isRegularFile(dir.resolve(f)), f);
    }
  }

  @Test
  void badArgumentsGiveUsageOrFailureExitCodes(@TempDir Path dir) {
    assertEquals(2, ShallowsCli.run("world"), "missing --out is a usage error");
    assertEquals(1, ShallowsCli.run("world", "--out", dir.toString(), "--people", "2"));
    assertEquals(
        1,
        ShallowsCli.run(
            "world",
            "--out",
            dir.toString(),
            "--people",
            "5",
            "--mc",
            "40",
            "--natural-chars",
            "0"),
        "more questions than facts");
  }
}
