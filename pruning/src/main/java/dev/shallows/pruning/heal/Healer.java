package dev.shallows.pruning.heal;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.shallows.engine.LlamaWeights;
import dev.shallows.engine.djl.ComputeSettings;
import dev.shallows.engine.djl.DjlLlama;
import dev.shallows.pruning.Cancellation;
import dev.shallows.pruning.LoadedModel;
import dev.shallows.pruning.data.TextDocuments;
import dev.shallows.pruning.data.TrainingText;
import dev.shallows.pruning.train.TokenWindows;
import dev.shallows.pruning.train.Trainer;
import dev.shallows.pruning.train.TrainerConfig;
import dev.shallows.pruning.train.TrainingListener;
import dev.shallows.pruning.train.TrainingResult;
import dev.shallows.store.AtomicDirectory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Heals a (pruned) model with LoRA or QLoRA: trains adapters on neutral text with the shared {@link
 * Trainer}, then writes either the merged healed variant (an HF checkpoint with a manifest) or the
 * adapters alone (PEFT layout). The entry point of {@code shallows heal} and of the server's
 * healing jobs.
 */
public final class Healer {

  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * What to do.
   *
   * @param lora adapter settings
   * @param trainer training settings (its checkpoint directory enables resume)
   * @param adapterOnly write the adapters (PEFT layout) instead of the merged variant
   * @param resume continue from the checkpoint directory if it holds a checkpoint
   * @param compute where the forward pass runs
   */
  public record Options(
      LoraConfig lora,
      TrainerConfig trainer,
      boolean adapterOnly,
      boolean resume,
      ComputeSettings compute) {}

  /**
   * The outcome.
   *
   * @param training the loss curve and timing
   * @param output the directory written, or null when cancelled (the checkpoint stays for resume)
   * @param healing the healing record written into the manifest
   */
  public record Result(TrainingResult training, Path output, ObjectNode healing) {}

  private Healer() {}

  /**
   * Heals {@code modelDir} on the text in {@code data} (file or directory) and writes {@code out}.
   */
  public static Result heal(
      Path modelDir,
      Path data,
      Options o,
      Path out,
      TrainingListener listener,
      Cancellation cancel) {
    TrainerConfig tc = o.trainer();
    AtomicDirectory.create(out, false).close(); // fail early if out is taken, before training
    try (LoadedModel model = LoadedModel.open(modelDir);
        NDManager root = NDManager.newBaseManager(o.compute().device())) {
      long needed = (long) tc.steps() * tc.batchSize() * (tc.seqLen() + 1);
      List<TrainingText> docs = TextDocuments.readTraining(data, 0);
      TokenWindows windows =
          TokenWindows.encode(docs, model.encoder(), tc.seqLen(), needed, tc.seed());
      LlamaWeights view = model.weights();
      try (DjlLlama llama = DjlLlama.frozen(view, o.compute());
          LoraAdapters adapters = LoraAdapters.create(root, o.lora(), view, tc.seed());
          LoraSeam seam =
              o.lora().method() == LoraConfig.Method.QLORA
                  ? LoraSeam.qlora(adapters, view, root)
                  : LoraSeam.lora(adapters)) {
        Trainer trainer = new Trainer(tc, root);
        TrainingResult r =
            trainer.train(new LoraModel(llama, seam), windows, o.resume(), listener, cancel);
        ObjectNode healing = record(o, data, windows, r);
        if (r.cancelled()) {
          return new Result(r, null, healing);
        }
        Map<String, LoraMerge.Factors> factors = LoraMerge.factors(adapters);
        if (o.adapterOnly()) {
          PeftAdapter.write(
              out, o.lora(), modelDir.toAbsolutePath().normalize().toString(), factors, healing);
        } else {
          HealedVariantWriter.write(
              modelDir, LoraMerge.merge(view, o.lora(), factors), healing, out);
        }
        if (tc.checkpointDir() != null) {
          AtomicDirectory.deleteTree(tc.checkpointDir()); // finished: nothing left to resume
        }
        return new Result(r, out, healing);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The healing record: settings, data, and the loss curve. */
  static ObjectNode record(Options o, Path data, TokenWindows windows, TrainingResult r) {
    ObjectNode h = JSON.createObjectNode();
    LoraConfig l = o.lora();
    TrainerConfig t = o.trainer();
    h.put("method", l.method().cliName());
    if (l.method() == LoraConfig.Method.QLORA) {
      h.put("base_quantization", "nf4, block 64, F32 absmax");
    }
    h.put("rank", l.rank());
    h.put("alpha", l.alpha());
    h.put("dropout", l.dropout());
    h.putPOJO("target_modules", l.targetModules());
    h.put("merged", !o.adapterOnly());
    h.put("data", data.toAbsolutePath().normalize().toString());
    h.put("data_tokens_used", windows.tokenCount());
    h.put("steps", t.steps());
    h.put("steps_done", r.stepsDone());
    h.put("batch_size", t.batchSize());
    h.put("seq_len", t.seqLen());
    h.put("lr", t.lr());
    h.put("min_lr", t.minLr());
    h.put("warmup_steps", t.warmupSteps());
    h.put("weight_decay", t.weightDecay());
    h.put("grad_clip", t.gradClip());
    h.put("optimizer", "AdamW(0.9, 0.999, 1e-8)");
    h.put("schedule", "linear warmup + cosine");
    h.put("seed", t.seed());
    h.put("tokens_seen", r.tokensSeen());
    h.put("seconds_this_run", r.seconds());
    h.put("finished_at", Instant.now().toString());
    ArrayNode curve = h.putArray("loss_curve");
    r.losses().forEach(curve::add);
    return h;
  }
}
