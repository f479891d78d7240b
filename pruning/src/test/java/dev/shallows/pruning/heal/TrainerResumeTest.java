package dev.shallows.pruning.heal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.shallows.engine.LlamaWeights;
import dev.shallows.engine.djl.ComputeSettings;
import dev.shallows.engine.djl.DjlLlama;
import dev.shallows.engine.generate.Stories260K;
import dev.shallows.pruning.Cancellation;
import dev.shallows.pruning.train.TokenWindows;
import dev.shallows.pruning.train.Trainer;
import dev.shallows.pruning.train.TrainerConfig;
import dev.shallows.pruning.train.TrainingListener;
import dev.shallows.pruning.train.TrainingResult;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shared trainer on stories260K + LoRA with dropout: a run cancelled halfway and resumed from
 * its checkpoint ends with the same adapters and loss curve as an uninterrupted run, and steps do
 * not accumulate native arrays.
 */
class TrainerResumeTest {

  @TempDir Path tmp;

  private static final LoraConfig LORA = LoraConfig.defaults(LoraConfig.Method.LORA, 4);

  private static TrainerConfig config(Path ckpt) {
    return new TrainerConfig(6, 2, HealingFixture.SEQ_LEN, 2e-3, 0, 2, 0.01, 1.0, 5, ckpt, 0);
  }

  /** Runs the trainer on fresh adapters; returns the adapter values and the result. */
  private static Map<String, float[]> run(
      TrainerConfig c,
      boolean resume,
      TrainingListener l,
      Cancellation cancel,
      List<TrainingResult> sink) {
    LlamaWeights w = Stories260K.weights();
    TokenWindows data = HealingFixture.kjvWindows(5, 20_000);
    try (NDManager root = NDManager.newBaseManager();
        DjlLlama llama = DjlLlama.frozen(w, ComputeSettings.cpu());
        LoraAdapters ad = LoraAdapters.create(root, LORA, w, 5);
        LoraSeam seam = LoraSeam.lora(ad)) {
      sink.add(new Trainer(c, root).train(new LoraModel(llama, seam), data, resume, l, cancel));
      Map<String, float[]> out = new LinkedHashMap<>();
      ad.parameters().forEach((k, v) -> out.put(k, v.toFloatArray()));
      return out;
    }
  }

  @Test
  void cancelledAndResumedRunEqualsAnUninterruptedOne() {
    List<TrainingResult> results = new ArrayList<>();
    Map<String, float[]> straight =
        run(config(tmp.resolve("a")), false, TrainingListener.NONE, Cancellation.none(), results);

    Cancellation cancel = new Cancellation();
    TrainingListener stopAt3 =
        e -> {
          if (e.step() == 3) {
            cancel.cancel();
          }
        };
    Path ckpt = tmp.resolve("b");
    run(config(ckpt), false, stopAt3, cancel, results);
    assertTrue(results.get(1).cancelled());
    assertEquals(3, results.get(1).stepsDone());
    Map<String, float[]> resumed =
        run(config(ckpt), true, TrainingListener.NONE, Cancellation.none(), results);
    TrainingResult r = results.get(2);
    assertFalse(r.cancelled());
    assertEquals(6, r.stepsDone());
    assertEquals(results.get(0).losses().size(), r.losses().size());
    // the first three steps of the two fresh runs must agree before resuming can be judged
    String curves =
        "straight "
            + results.get(0).losses()
            + ", cancelled "
            + results.get(1).losses()
            + ", resumed "
            + r.losses();
    for (int i = 0; i < 3; i++) {
      assertEquals(
          results.get(0).losses().get(i),
          results.get(1).losses().get(i),
          1e-6,
          "two fresh runs differ at step " + i + ": " + curves);
    }
    for (int i = 0; i < 6; i++) {
      assertEquals(
          results.get(0).losses().get(i),
          r.losses().get(i),
          1e-6,
          "loss of step " + i + ": " + curves);
    }
    for (String k : straight.keySet()) {
      assertArrayEquals(straight.get(k), resumed.get(k), 1e-6f, k);
    }
    // B starts at zero: training must have moved it, or the comparison above proves nothing
    float[] b = straight.get(LoraAdapters.peftName("model.layers.0.mlp.gate_proj.weight", 'B'));
    double max = 0;
    for (float v : b) {
      max = Math.max(max, Math.abs(v));
    }
    assertTrue(max > 1e-4, "B moved only " + max);

    // resuming with other settings is refused
    TrainerConfig other =
        new TrainerConfig(6, 2, HealingFixture.SEQ_LEN, 1e-3, 0, 2, 0.01, 1.0, 5, ckpt, 0);
    assertThrows(
        IllegalArgumentException.class,
        () -> run(other, true, TrainingListener.NONE, Cancellation.none(), results));
  }

  @Test
  void stepsDoNotAccumulateNativeArrays() {
    LlamaWeights w = Stories260K.weights();
    TokenWindows data = HealingFixture.kjvWindows(6, 20_000);
    TrainerConfig c =
        new TrainerConfig(8, 2, HealingFixture.SEQ_LEN, 1e-3, 0, 0, 0.0, 1.0, 6, null, 0);
    try (NDManager root = NDManager.newBaseManager();
        DjlLlama llama = DjlLlama.frozen(w, ComputeSettings.cpu());
        LoraAdapters ad = LoraAdapters.create(root, LORA, w, 6);
        LoraSeam seam = LoraSeam.qlora(ad, w, root)) {
      List<Integer> rootCounts = new ArrayList<>();
      List<Integer> modelCounts = new ArrayList<>();
      new Trainer(c, root)
          .train(
              new LoraModel(llama, seam),
              data,
              false,
              e -> {
                System.out.printf(
                    "step %d loss %.4f %.0f tok/s%n", e.step(), e.loss(), e.tokensPerSecond());
                rootCounts.add(root.getManagedArrays().size());
                modelCounts.add(llama.manager().getManagedArrays().size());
              },
              Cancellation.none());
      assertEquals(rootCounts.get(1), rootCounts.get(7), "arrays under the trainer: " + rootCounts);
      assertEquals(modelCounts.get(1), modelCounts.get(7), "arrays in the model: " + modelCounts);
      for (NDArray p : ad.parameters().values()) {
        assertTrue(p.hasGradient());
      }
    }
  }
}
