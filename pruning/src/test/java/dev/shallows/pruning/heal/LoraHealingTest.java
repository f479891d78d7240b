package dev.shallows.pruning.heal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import dev.shallows.engine.LlamaWeights;
import dev.shallows.engine.djl.ComputeSettings;
import dev.shallows.engine.djl.DjlLlama;
import dev.shallows.engine.djl.LinearSeam;
import dev.shallows.engine.generate.Stories260K;
import dev.shallows.pruning.Cancellation;
import dev.shallows.pruning.train.TokenWindows;
import dev.shallows.pruning.train.Trainer;
import dev.shallows.pruning.train.TrainerConfig;
import dev.shallows.pruning.train.TrainingListener;
import dev.shallows.pruning.train.TrainingResult;
import dev.shallows.store.Checkpoint;
import dev.shallows.store.VariantManifest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * LoRA and QLoRA healing on the real stories260K: the loss on a fixed batch goes down, the merged
 * checkpoint reproduces the adapted model's logits, and saved PEFT adapters round-trip.
 */
class LoraHealingTest {

  @TempDir Path tmp;

  private static TrainerConfig config(int steps) {
    return new TrainerConfig(
        steps, 4, HealingFixture.SEQ_LEN, 3e-3, 3e-4, 3, 0.0, 1.0, 11, null, 0);
  }

  @Test
  void loraLowersTheLossAndMergedWeightsGiveTheSameLogits() throws Exception {
    LlamaWeights w = Stories260K.weights();
    TokenWindows data = HealingFixture.kjvWindows(11, 40_000);
    int[][] fixed = data.batch(0, 8);
    LoraConfig lc = LoraConfig.defaults(LoraConfig.Method.LORA, 4);
    try (NDManager root = NDManager.newBaseManager();
        DjlLlama llama = DjlLlama.frozen(w, ComputeSettings.cpu());
        LoraAdapters ad = LoraAdapters.create(root, lc, w, 11);
        LoraSeam seam = LoraSeam.lora(ad)) {
      LoraModel model = new LoraModel(llama, seam);
      double before = HealingFixture.loss(model, fixed, root);
      TrainingResult r =
          new Trainer(config(40), root)
              .train(model, data, false, TrainingListener.NONE, Cancellation.none());
      double after = HealingFixture.loss(model, fixed, root);
      assertEquals(40, r.stepsDone());
      assertTrue(after < before - 0.1, "fixed-batch loss " + before + " -> " + after);

      // merge into a checkpoint, reload it, and compare logits with the adapted model
      Map<String, LoraMerge.Factors> f = LoraMerge.factors(ad);
      Path out = tmp.resolve("healed");
      HealedVariantWriter.write(
          Stories260K.dir(),
          LoraMerge.merge(w, lc, f),
          Healer.record(
              new Healer.Options(lc, config(40), false, false, ComputeSettings.cpu()),
              tmp,
              data,
              r),
          out);
      assertTrue(VariantManifest.read(out).healing().get("loss_curve").size() == 40);
      assertTrue(Files.exists(out.resolve("tokenizer.json")));
      int[][] probe = {fixed[0], fixed[1]};
      float[] adapted = HealingFixture.logits(model, probe, root);
      try (Checkpoint ck = Checkpoint.open(out);
          DjlLlama merged = DjlLlama.frozen(LlamaWeights.load(ck), ComputeSettings.cpu())) {
        float[] plain = HealingFixture.logits(new PlainModel(merged), probe, root);
        assertEquals(adapted.length, plain.length);
        double maxDiff = 0;
        for (int i = 0; i < plain.length; i++) {
          maxDiff = Math.max(maxDiff, Math.abs(adapted[i] - plain[i]));
        }
        // F32 rounding of x(W + BA) vs xW + (xA)B over 5 layers; logits are O(10)
        assertTrue(maxDiff < 1e-3, "merged vs adapted logits differ by " + maxDiff);
        // and the adapters did change the model (the check above is not vacuous)
        float[] base = HealingFixture.logits(new PlainModel(llama), probe, root);
        double moved = 0;
        for (int i = 0; i < base.length; i++) {
          moved = Math.max(moved, Math.abs(base[i] - plain[i]));
        }
        assertTrue(moved > 0.1, "adapters moved logits by only " + moved);
      }

      // adapters saved in PEFT layout read back to the same factors
      Path adapterDir = tmp.resolve("adapter");
      PeftAdapter.write(adapterDir, lc, "stories260K", f, null);
      PeftAdapter.Loaded back = PeftAdapter.read(adapterDir);
      assertEquals(lc, back.config());
      assertEquals(f.keySet(), back.factors().keySet());
      for (String k : f.keySet()) {
        assertEquals(
            java.util.Arrays.toString(f.get(k).b()),
            java.util.Arrays.toString(back.factors().get(k).b()));
      }
    }
  }

  @Test
  void qloraOnNf4BaseLowersTheLossAndMergesIntoTheDequantizedBase() throws Exception {
    LlamaWeights w = Stories260K.weights();
    TokenWindows data = HealingFixture.kjvWindows(12, 40_000);
    int[][] fixed = data.batch(0, 8);
    LoraConfig lc = LoraConfig.defaults(LoraConfig.Method.QLORA, 4);
    try (NDManager root = NDManager.newBaseManager();
        DjlLlama llama = DjlLlama.frozen(w, ComputeSettings.cpu());
        LoraAdapters ad = LoraAdapters.create(root, lc, w, 12);
        LoraSeam seam = LoraSeam.qlora(ad, w, root)) {
      LoraModel model = new LoraModel(llama, seam);
      assertTrue(seam.quantized());
      double fp32 = HealingFixture.loss(new PlainModel(llama), fixed, root);
      double before = HealingFixture.loss(model, fixed, root);
      // NF4 changes the model a little, not wholesale
      assertTrue(Math.abs(before - fp32) < 0.5, "NF4 base loss " + before + " vs F32 " + fp32);
      assertTrue(before != fp32, "the QLoRA forward must use the NF4 weights");
      new Trainer(config(40), root)
          .train(model, data, false, TrainingListener.NONE, Cancellation.none());
      double after = HealingFixture.loss(model, fixed, root);
      assertTrue(after < before - 0.1, "fixed-batch loss " + before + " -> " + after);

      Map<String, float[]> merged = LoraMerge.merge(w, lc, LoraMerge.factors(ad));
      Path out = tmp.resolve("qhealed");
      HealedVariantWriter.write(
          Stories260K.dir(),
          merged,
          Healer.record(
              new Healer.Options(lc, config(40), false, false, ComputeSettings.cpu()),
              tmp,
              data,
              new TrainingResult(40, java.util.List.of(), false, 0, 0)),
          out);
      int[][] probe = {fixed[0]};
      float[] adapted = HealingFixture.logits(model, probe, root);
      try (Checkpoint ck = Checkpoint.open(out);
          DjlLlama m2 = DjlLlama.frozen(LlamaWeights.load(ck), ComputeSettings.cpu())) {
        float[] plain = HealingFixture.logits(new PlainModel(m2), probe, root);
        double maxDiff = 0;
        for (int i = 0; i < plain.length; i++) {
          maxDiff = Math.max(maxDiff, Math.abs(adapted[i] - plain[i]));
        }
        assertTrue(maxDiff < 1e-3, "merged vs adapted logits differ by " + maxDiff);
      }
    }
  }

  /** A model with no adapters (the plain seam), for comparisons. */
  record PlainModel(DjlLlama llama) implements dev.shallows.pruning.train.TrainableModel {
    @Override
    public ai.djl.ndarray.NDArray logits(ai.djl.ndarray.NDArray ids, NDManager step) {
      return llama.forward(ids, LinearSeam.PLAIN);
    }

    @Override
    public Map<String, ai.djl.ndarray.NDArray> trainableParameters() {
      return Map.of();
    }
  }
}
