package dev.shallows.pruning.train;

import static dev.shallows.pruning.Cancellation.none;
import static dev.shallows.pruning.train.TrainingListener.NONE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.shallows.engine.LlamaWeights;
import dev.shallows.engine.djl.ComputeSettings;
import dev.shallows.engine.djl.DjlLlama;
import dev.shallows.engine.djl.LinearSeam;
import dev.shallows.engine.generate.Stories260K;
import dev.shallows.pruning.Cancellation;
import dev.shallows.store.Checkpoint;
import dev.shallows.store.SharedData;
import dev.shallows.store.TextTokenizer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Pretraining a tiny GQA Llama from random init on KJV text (stories260K's 512-token tokenizer):
 * the written HF checkpoint reloads and has a much lower loss than its own random initialization.
 */
class PretrainerTest {

  @TempDir Path tmp;

  @Test
  void pretrainingLowersTheLossAndWritesALoadableHfCheckpoint() throws Exception {
    Path kjv = SharedData.resolve("corpus/kjv_bible_bible-kjv-text_4.38.txt");
    TrainerConfig tc =
        new TrainerConfig(40, 8, 32, 5e-3, 5e-4, 4, 0.01, 1.0, 3, tmp.resolve("ckpt"), 20);
    Pretrainer.Options o =
        new Pretrainer.Options(
            2, 32, 64, 4, 2, 64, true, tc, false, 60_000, ComputeSettings.cpu(), null, 0);
    Path out = tmp.resolve("tiny");
    Pretrainer.Result r =
        Pretrainer.pretrain(
            Stories260K.dir().resolve("tokenizer.json"),
            List.of(kjv),
            o,
            out,
            TrainingListener.NONE,
            Cancellation.none());
    assertEquals(40, r.training().stepsDone());
    assertFalse(Files.exists(tmp.resolve("ckpt")), "a finished run removes its checkpoint");
    for (String f :
        List.of(
            "config.json",
            "model.safetensors",
            "tokenizer.json",
            "generation_config.json",
            Pretrainer.LOSS_CHART)) {
      assertTrue(Files.isRegularFile(out.resolve(f)), f);
    }
    JsonNode manifest = new ObjectMapper().readTree(out.resolve(Pretrainer.MANIFEST).toFile());
    assertEquals(40, manifest.path("training").path("loss_curve").size());

    // an independent check on held text: the reloaded model against its own random init
    int[] ids;
    try (TextTokenizer tok = TextTokenizer.load(out)) {
      ids = tok.encode("And God said, Let there be light: and there was light.", true);
    }
    try (Checkpoint ck = Checkpoint.open(out);
        NDManager m = NDManager.newBaseManager()) {
      LlamaWeights trained = LlamaWeights.load(ck);
      assertEquals(2, trained.config().numHiddenLayers());
      assertEquals(2, trained.config().numKeyValueHeads());
      double after = loss(trained, ids, m);
      double before = loss(RandomInit.weights(trained.config(), 3), ids, m);
      assertTrue(before > 5.5, "random init should be near ln(512) = 6.24, got " + before);
      assertTrue(after < before - 1.0, "loss " + before + " -> " + after);
    }
  }

  private static double loss(LlamaWeights w, int[] ids, NDManager parent) {
    long[] in = new long[ids.length - 1];
    long[] out = new long[ids.length - 1];
    for (int i = 0; i + 1 < ids.length; i++) {
      in[i] = ids[i];
      out[i] = ids[i + 1];
    }
    try (DjlLlama llama = DjlLlama.frozen(w, ComputeSettings.cpu());
        NDManager m = parent.newSubManager()) {
      NDArray logits = llama.forward(m.create(in, new Shape(1, in.length)), LinearSeam.PLAIN);
      return logits
          .logSoftmax(-1)
          .gather(m.create(out, new Shape(1, out.length, 1)), -1)
          .mean()
          .neg()
          .getFloat();
    }
  }

  @Test
  void stopAfterWritesTheModelAtThatStepAndKeepsTheCheckpointForResume() throws Exception {
    Path kjv = SharedData.resolve("corpus/kjv_bible_bible-kjv-text_4.38.txt");
    Path tokenizer = Stories260K.dir().resolve("tokenizer.json");
    Path ckpt = tmp.resolve("ckpt");
    TrainerConfig tc = new TrainerConfig(30, 4, 16, 5e-3, 5e-4, 3, 0.01, 1.0, 5, ckpt, 100);
    Pretrainer.Result first =
        Pretrainer.pretrain(
            tokenizer, List.of(kjv), options(tc, false, 12), tmp.resolve("a"), NONE, none());
    assertEquals(12, first.training().stepsDone());
    assertTrue(Files.isRegularFile(tmp.resolve("a/model.safetensors")));
    JsonNode m =
        new ObjectMapper().readTree(tmp.resolve("a").resolve(Pretrainer.MANIFEST).toFile());
    assertEquals(12, m.path("training").path("stopped_after").asInt());
    assertEquals(30, m.path("training").path("steps").asInt());
    assertEquals(12, TrainingCheckpoint.step(ckpt), "the checkpoint stays at the stop step");

    Pretrainer.Result again =
        Pretrainer.pretrain(
            tokenizer, List.of(kjv), options(tc, true, 12), tmp.resolve("b"), NONE, none());
    assertEquals(12, again.training().stepsDone(), "resumed at the stop step: no more training");
    assertEquals(first.training().losses(), again.training().losses());

    Pretrainer.Result rest =
        Pretrainer.pretrain(
            tokenizer, List.of(kjv), options(tc, true, 0), tmp.resolve("c"), NONE, none());
    assertEquals(30, rest.training().stepsDone());
    assertEquals(first.training().losses(), rest.training().losses().subList(0, 12));
    assertFalse(Files.exists(ckpt), "a run that reaches the last step removes its checkpoint");
  }

  private static Pretrainer.Options options(TrainerConfig tc, boolean resume, int stopAfter) {
    return new Pretrainer.Options(
        2, 32, 64, 4, 2, 64, true, tc, resume, 40_000, ComputeSettings.cpu(), null, stopAfter);
  }
}
