package dev.shallows.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.shallows.pruning.fixtures.Stories260K;
import dev.shallows.store.LlamaConfig;
import dev.shallows.store.VariantManifest;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** analyze / prune / eval / sweep end to end on the imported stories260K. */
class PruningCommandsTest {

  record Run(int code, String out, String err) {}

  @TempDir Path tmp;

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

  private Path stories() throws Exception {
    Path p = tmp.resolve("stories.jsonl");
    Files.writeString(
        p,
        "{\"text\":\"Once upon a time, there was a little cat. The cat liked to play with a ball.\"}\n"
            + "{\"text\":\"Tom went to the park with his mom. He saw a big dog and they ran"
            + " together.\"}\n"
            + "{\"text\":\"Lily had a red hat. She wore it every day because it made her happy.\"}\n");
    return p;
  }

  @Test
  void analyzeWritesTableJsonAndHeatmap() throws Exception {
    Path out = tmp.resolve("analysis");
    Run r =
        cli(
            "analyze",
            "--model",
            Stories260K.dir().toString(),
            "--data",
            stories().toString(),
            "--out",
            out.toString());
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("removes original layers"), r.out());
    List<String> csv = Files.readAllLines(out.resolve("distances.csv"));
    assertEquals("n,l0,l1,l2,l3,l4,best_start", csv.get(0));
    assertEquals(5, csv.size()); // n = 1..4
    JsonNode j = new ObjectMapper().readTree(out.resolve("distances.json").toFile());
    assertEquals(3, j.get("samples").asInt());
    assertEquals(4, j.get("blocks").size());
    BufferedImage png = ImageIO.read(out.resolve("distances.png").toFile());
    assertEquals(900, png.getWidth());
  }

  @Test
  void pruneWritesAVariantAndRejectsBadArguments() throws Exception {
    String model = Stories260K.dir().toString();
    Path out = tmp.resolve("v");
    Run r =
        cli("prune", "--model", model, "--n", "2", "--strategy", "last", "--out", out.toString());
    assertEquals(0, r.code(), r.err());
    assertTrue(
        r.out().contains("remove original layers [2, 3] (0-based), keep [0, 1, 4]"), r.out());
    assertEquals(3, LlamaConfig.read(out).numHiddenLayers());
    assertEquals(List.of(2, 3), VariantManifest.read(out).removedLayers());

    Path out2 = tmp.resolve("v2");
    r =
        cli(
            "prune",
            "--model",
            model,
            "--fraction",
            "0.2",
            "--data",
            stories().toString(),
            "--out",
            out2.toString());
    assertEquals(0, r.code(), r.err());
    VariantManifest m = VariantManifest.read(out2);
    assertEquals("angular", m.strategy());
    assertEquals(1, m.n());
    assertTrue(m.calibration().contains("stories.jsonl"));

    assertEquals(2, cli("prune", "--model", model, "--out", tmp.resolve("x").toString()).code());
    assertEquals(
        2, cli("prune", "--model", model, "--n", "1", "--fraction", "0.2", "--out", "x").code());
    Run bad =
        cli(
            "prune",
            "--model",
            model,
            "--n",
            "5",
            "--strategy",
            "last",
            "--out",
            tmp.resolve("y").toString());
    assertEquals(1, bad.code());
    assertTrue(bad.err().contains("n must be in 0..4"), bad.err());
    assertFalse(Files.exists(tmp.resolve("y")));
    Run taken =
        cli("prune", "--model", model, "--n", "1", "--strategy", "last", "--out", out.toString());
    assertEquals(1, taken.code());
    assertEquals(
        1,
        cli("prune", "--model", tmp.resolve("nope").toString(), "--n", "1", "--out", "z").code());
    assertEquals(
        1, cli("prune", "--model", model, "--n", "1", "--strategy", "random", "--out", "z").code());
  }

  @Test
  void evalPrintsJsonWithAccuracyOrLossAndInterval() throws Exception {
    String model = Stories260K.dir().toString();
    Run r =
        cli("eval", "--model", model, "--task", "loss", "--data", stories().toString(), "--json");
    assertEquals(0, r.code(), r.err());
    JsonNode j = new ObjectMapper().readTree(r.out());
    double loss = j.get("normalized_loss").asDouble();
    assertTrue(loss > 0 && loss < 1, r.out()); // far better than uniform on story text
    assertTrue(j.get("ci95_low").asDouble() < loss && loss < j.get("ci95_high").asDouble());
    assertTrue(j.get("n").asInt() > 40);

    Path mmlu = tmp.resolve("mmlu");
    Files.createDirectories(mmlu.resolve("test"));
    Files.writeString(
        mmlu.resolve("test/toys_test.csv"),
        "Cats say?,woof,moo,meow,quack,2\nDogs say?,woof,moo,meow,quack,0\n");
    Path pruned = tmp.resolve("p");
    assertEquals(
        0,
        cli("prune", "--model", model, "--n", "1", "--strategy", "last", "--out", pruned.toString())
            .code());
    r =
        cli(
            "eval",
            "--model",
            model,
            "--task",
            "mmlu",
            "--data",
            mmlu.toString(),
            "--shots",
            "0",
            "--json",
            "--items",
            "--compare",
            pruned.toString());
    assertEquals(0, r.code(), r.err());
    j = new ObjectMapper().readTree(r.out());
    assertEquals(2, j.get("a").get("n").asInt());
    assertEquals(2, j.get("a").get("items").size());
    assertTrue(j.get("a").has("accuracy"));
    assertTrue(j.get("paired").has("mcnemar_exact_p"));
    assertEquals(
        j.get("b").get("accuracy").asDouble() - j.get("a").get("accuracy").asDouble(),
        j.get("paired").get("difference").asDouble(),
        1e-12);

    assertEquals(
        1, cli("eval", "--model", model, "--task", "bogus", "--data", mmlu.toString()).code());
    Run missing =
        cli(
            "eval",
            "--model",
            model,
            "--task",
            "loss",
            "--data",
            tmp.resolve("none.jsonl").toString());
    assertEquals(1, missing.code());
    assertTrue(missing.err().contains("not found"), missing.err());
    assertEquals(2, cli("eval", "--model", model).code());
  }

  @Test
  void sweepWritesTableAndPlot() throws Exception {
    Path out = tmp.resolve("sweep");
    Run r =
        cli(
            "sweep",
            "--model",
            Stories260K.dir().toString(),
            "--data",
            stories().toString(),
            "--ns",
            "0,1,4",
            "--eval",
            "loss=" + stories(),
            "--out",
            out.toString());
    assertEquals(0, r.code(), r.err());
    List<String> csv = Files.readAllLines(out.resolve("sweep.csv"));
    assertEquals(7, csv.size()); // header + 2 strategies x 3 points
    assertTrue(
        csv.get(0)
            .startsWith("strategy,healed,n,fraction,layers_kept,removed_original,loss_normalized"));
    assertTrue(
        csv.stream().anyMatch(l -> l.startsWith("last,false,4,0.8000,1,\"0 1 2 3\"")),
        csv.toString());
    assertEquals(csv.get(1).split(",")[6], csv.get(4).split(",")[6]); // n = 0 is shared
    assertEquals(900, ImageIO.read(out.resolve("sweep.png").toFile()).getWidth());
  }

  @Test
  void blockScanRanksEveryBlockByLossBesideItsDistance() throws Exception {
    String stories = stories().toString();
    Run r =
        cli(
            "block-scan",
            "--model",
            Stories260K.dir().toString(),
            "--data",
            stories,
            "--n",
            "2",
            "--eval-data",
            stories,
            "--json");
    assertEquals(0, r.code(), r.err());
    JsonNode scan = new ObjectMapper().readTree(r.out());
    JsonNode blocks = scan.get("blocks");
    assertEquals(4, blocks.size()); // 5 layers, blocks of 2 start at 0..3
    assertEquals(
        2, scan.get("last_start").asInt()); // 'last' removes layers 2, 3 (not 4, the final)
    double best = Double.MAX_VALUE;
    for (JsonNode b : blocks) {
      best = Math.min(best, b.get("loss").asDouble());
    }
    JsonNode chosen = blocks.get(scan.get("best_start").asInt());
    assertEquals(best, chosen.get("loss").asDouble());
    assertEquals(1, chosen.get("loss_rank").asInt());
    // the angular block is the one 'analyze' finds, and its loss is the pruned variant's own
    JsonNode angular = blocks.get(scan.get("angular_start").asInt());
    Path variant = tmp.resolve("angular2");
    Run prune =
        cli(
            "prune",
            "--model",
            Stories260K.dir().toString(),
            "--data",
            stories,
            "--n",
            "2",
            "--out",
            variant.toString());
    assertEquals(0, prune.code(), prune.err());
    VariantManifest m = VariantManifest.read(variant);
    assertEquals(
        angular.get("removed_original").toString(), m.removedLayers().toString().replace(" ", ""));
    Run eval =
        cli("eval", "--model", variant.toString(), "--task", "loss", "--data", stories, "--json");
    assertEquals(0, eval.code(), eval.err());
    assertEquals(
        new ObjectMapper().readTree(eval.out()).path("normalized_loss").asDouble(),
        angular.get("loss").asDouble(),
        1e-4);
    assertTrue(scan.get("full_loss").asDouble() < best, "removing layers costs loss here");
  }

  @Test
  void sweepHealsThroughTheHealingModule() throws Exception {
    Path out = tmp.resolve("healsweep");
    Run r =
        cli(
            "sweep",
            "--model",
            Stories260K.dir().toString(),
            "--strategies",
            "last",
            "--ns",
            "1",
            "--eval",
            "loss=" + stories(),
            "--heal",
            "lora",
            "--heal-data",
            stories().toString(),
            "--heal-steps",
            "3",
            "--heal-batch",
            "2",
            "--heal-seq-len",
            "16",
            "--out",
            out.toString());
    assertEquals(0, r.code(), r.err());
    List<String> csv = Files.readAllLines(out.resolve("sweep.csv"));
    assertEquals(3, csv.size(), csv.toString()); // header, unhealed, healed
    assertTrue(csv.get(2).startsWith("last,true,1,"), csv.toString());
    Path healed = out.resolve("variants/last-n1-healed");
    VariantManifest m = VariantManifest.read(healed);
    assertEquals(List.of(3), m.removedLayers());
    assertTrue(m.healing() != null, "the healed variant records its healing");
    assertFalse(Files.exists(out.resolve("variants/last-n1")), "the unhealed copy is cleaned up");
  }
}
