package dev.shallows.pruning.world;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The eval sets shipped beside the built-in model are exactly what seed 1 generates. */
class CommittedEvalSetsTest {

  @Test
  void shippedSetsEqualARegeneration(@TempDir Path tmp) throws Exception {
    Path root = Path.of(System.getProperty("shallows.repo.root", ".."));
    Path shipped = root.resolve("model-store/models/shallows-tiny/eval");
    assertTrue(Files.isDirectory(shipped), "missing " + shipped.toAbsolutePath());
    // The defaults of `shallows world` (see the README next to the sets).
    EvalSets.generate(World.generate(1, 100), new Phrasebook(), 500, 5, 500).write(tmp);
    for (String f : List.of(EvalSets.MC_TEST, EvalSets.MC_DEV, EvalSets.YES_NO)) {
      assertArrayEquals(
          Files.readAllBytes(tmp.resolve(f)), Files.readAllBytes(shipped.resolve(f)), f);
    }
  }
}
