package dev.shallows.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shallows.engine.generate.Stories260K;
import dev.shallows.pruning.heal.PeftAdapter;
import dev.shallows.store.SharedData;
import dev.shallows.store.VariantManifest;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code shallows heal} end to end on stories260K, and its argument errors. */
class HealCommandTest {

  @TempDir Path tmp;

  private static String kjv() {
    return SharedData.resolve("corpus/kjv_bible_bible-kjv-text_4.38.txt").toString();
  }

  @Test
  void healWritesAMergedVariantOrAPeftAdapter() {
    Path model = Stories260K.dir();
    Path out = tmp.resolve("healed");
    int rc =
        ShallowsCli.run(
            "heal",
            "--model",
            model.toString(),
            "--data",
            kjv(),
            "--method",
            "qlora",
            "--steps",
            "4",
            "--batch-size",
            "2",
            "--seq-len",
            "32",
            "--rank",
            "2",
            "--out",
            out.toString());
    assertEquals(0, rc);
    VariantManifest m = VariantManifest.read(out);
    assertEquals("qlora", m.healing().get("method").asText());
    assertEquals(4, m.healing().get("loss_curve").size());
    assertEquals(0, m.n());
    assertFalse(Files.exists(tmp.resolve("healed.checkpoint")), "finished runs leave no state");

    Path adapter = tmp.resolve("adapter");
    rc =
        ShallowsCli.run(
            "heal",
            "--model",
            model.toString(),
            "--data",
            kjv(),
            "--steps",
            "2",
            "--batch-size",
            "2",
            "--seq-len",
            "32",
            "--targets",
            "q_proj,v_proj",
            "--adapter-only",
            "--out",
            adapter.toString());
    assertEquals(0, rc);
    PeftAdapter.Loaded a = PeftAdapter.read(adapter);
    assertEquals(10, a.factors().size()); // 5 layers x (q_proj, v_proj)
    assertTrue(Files.isRegularFile(adapter.resolve("adapter_config.json")));
  }

  @Test
  void badArgumentsFailCleanly() {
    Path model = Stories260K.dir();
    // a required option missing: picocli usage error
    assertEquals(2, ShallowsCli.run("heal", "--model", model.toString(), "--steps", "3"));
    // a bad method and a taken output directory: errors while running
    assertEquals(
        1,
        ShallowsCli.run(
            "heal",
            "--model",
            model.toString(),
            "--data",
            kjv(),
            "--method",
            "dora",
            "--steps",
            "3",
            "--out",
            tmp.resolve("x").toString()));
    assertEquals(
        1,
        ShallowsCli.run(
            "heal",
            "--model",
            model.toString(),
            "--data",
            kjv(),
            "--steps",
            "3",
            "--out",
            model.toString()));
    assertEquals(0, ShallowsCli.run("pretrain", "--help"));
  }
}
