package dev.shallows.pruning.train;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.shallows.engine.LlamaWeights;
import dev.shallows.engine.djl.ComputeSettings;
import dev.shallows.engine.djl.DjlLlama;
import dev.shallows.pruning.Cancellation;
import dev.shallows.pruning.data.TextDocuments;
import dev.shallows.pruning.data.TrainingText;
import dev.shallows.store.AtomicDirectory;
import dev.shallows.store.Checkpoint;
import dev.shallows.store.LlamaConfig;
import dev.shallows.store.SafetensorsWriter;
import dev.shallows.store.TextTokenizer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Trains a Llama from random initialization on text (full-parameter, the shared {@link Trainer})
 * and writes a standard HF model directory: config.json, model.safetensors, tokenizer.json (+
 * tokenizer_config.json when present), generation_config.json and {@value #MANIFEST} recording how
 * it was made. Seeded: the same inputs and settings give the same model (on the same machine and
 * thread count). The entry point of {@code shallows pretrain}.
 */
public final class Pretrainer {

  /** The manifest file written beside the weights. */
  public static final String MANIFEST = "shallows-pretrain.json";

  /** The loss-curve chart written beside the manifest. */
  public static final String LOSS_CHART = "shallows-pretrain-loss.png";

  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  /**
   * What to train.
   *
   * @param layers num_hidden_layers
   * @param hidden hidden_size
   * @param intermediate intermediate_size
   * @param heads attention heads
   * @param kvHeads key/value heads
   * @param context max_position_embeddings (>= the training sequence length)
   * @param tied tie the LM head to the embedding
   * @param trainer training settings (its checkpoint directory enables resume)
   * @param resume continue from the checkpoint directory if it holds a checkpoint
   * @param maxTokensPerSource cap on tokens taken from each --data source (<= 0: all)
   * @param compute where the forward pass runs
   * @param initFrom a model directory whose weights start the run instead of a random init (a
   *     second training stage); its config must match the shape, or null
   * @param stopAfter when > 0, stop after this step of the schedule (which still runs to {@code
   *     trainer.steps()}: the learning rate is what the full run would use) and write the model as
   *     if finished; the checkpoint stays, so --resume can go on later
   */
  public record Options(
      int layers,
      int hidden,
      int intermediate,
      int heads,
      int kvHeads,
      int context,
      boolean tied,
      TrainerConfig trainer,
      boolean resume,
      long maxTokensPerSource,
      ComputeSettings compute,
      Path initFrom,
      int stopAfter) {

    public Options {
      if (stopAfter < 0 || stopAfter > trainer.steps()) {
        throw new IllegalArgumentException("stop-after must be in 0.." + trainer.steps());
      }
    }
  }

  /** The outcome; {@code output} is null when cancelled (the checkpoint stays for resume). */
  public record Result(TrainingResult training, Path output, LlamaConfig config, long parameters) {}

  private Pretrainer() {}

  /**
   * Trains on {@code data} (files or directories, in order) with the tokenizer at {@code
   * tokenizer}.
   */
  public static Result pretrain(
      Path tokenizer,
      List<Path> data,
      Options o,
      Path out,
      TrainingListener listener,
      Cancellation cancel) {
    TrainerConfig tc = o.trainer();
    if (tc.seqLen() > o.context()) {
      throw new IllegalArgumentException(
          "sequence length " + tc.seqLen() + " exceeds the context " + o.context());
    }
    AtomicDirectory.create(out, false).close(); // fail early if out is taken
    Path tokDir = tokenizerDir(tokenizer);
    try (TextTokenizer tok = TextTokenizer.load(tokDir);
        NDManager root = NDManager.newBaseManager(o.compute().device())) {
      ModelShape shape =
          new ModelShape(
              o.layers(),
              o.hidden(),
              o.intermediate(),
              o.heads(),
              o.kvHeads(),
              o.context(),
              tok.vocabSize(),
              o.tied(),
              tok.bosId(),
              tok.eosIds().isEmpty() ? -1 : tok.eosIds().get(0));
      LlamaConfig config = shape.config();
      List<List<TrainingText>> sources = new ArrayList<>();
      for (Path p : data) {
        sources.add(TextDocuments.readTraining(p, 0));
      }
      TokenWindows windows =
          TokenWindows.encodeSources(
              sources, t -> tok.encode(t, true), tc.seqLen(), o.maxTokensPerSource(), tc.seed());
      Checkpoint initCkpt = o.initFrom() == null ? null : Checkpoint.open(o.initFrom());
      LlamaWeights init =
          initCkpt == null
              ? RandomInit.weights(config, tc.seed())
              : initialWeights(initCkpt, config);
      try (initCkpt;
          DjlLlama llama = DjlLlama.trainable(init, o.compute())) {
        long params = llama.parameters().values().stream().mapToLong(a -> a.size()).sum();
        // raised by the user's cancellation or once the stop-after step is done
        Cancellation stop = new Cancellation();
        if (cancel.isCancelled()) {
          stop.cancel();
        }
        TrainingListener untilStop =
            new TrainingListener() {
              @Override
              public void onStep(StepEvent e) {
                listener.onStep(e);
                if (cancel.isCancelled() || (o.stopAfter() > 0 && e.step() >= o.stopAfter())) {
                  stop.cancel();
                }
              }

              @Override
              public void onCheckpoint(int step, Path dir) {
                listener.onCheckpoint(step, dir);
              }
            };
        if (o.stopAfter() > 0
            && o.resume()
            && TrainingCheckpoint.exists(tc.checkpointDir())
            && TrainingCheckpoint.step(tc.checkpointDir()) >= o.stopAfter()) {
          stop.cancel(); // resumed at (or past) the stop step: load it and train no further
        }
        TrainingResult r =
            new Trainer(tc, root).train(new FullModel(llama), windows, o.resume(), untilStop, stop);
        boolean stoppedAtStep = o.stopAfter() > 0 && r.stepsDone() >= o.stopAfter();
        if (r.cancelled() && !stoppedAtStep) {
          return new Result(r, null, config, params);
        }
        try (AtomicDirectory dir = AtomicDirectory.create(out, false)) {
          SafetensorsWriter.write(
              dir.path().resolve("model.safetensors"), Tensors.toTensors(llama.parameters()));
          config.write(dir.path());
          copyTokenizer(tokDir, dir.path());
          JSON.writeValue(
              dir.path().resolve("generation_config.json").toFile(), generationConfig(shape));
          JSON.writeValue(
              dir.path().resolve(MANIFEST).toFile(),
              manifest(tokenizer, data, o, shape, windows, r, params));
          LossCurveChart.write(
              dir.path().resolve(LOSS_CHART), out.getFileName() + ": pretraining loss", r.losses());
          dir.commit();
        }
        if (tc.checkpointDir() != null && r.stepsDone() >= tc.steps()) {
          AtomicDirectory.deleteTree(tc.checkpointDir());
        }
        return new Result(r, out, config, params);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A directory holding {@code tokenizer.json}: the given directory, or a file's own directory. */
  static Path tokenizerDir(Path tokenizer) {
    if (Files.isDirectory(tokenizer)) {
      return tokenizer;
    }
    if (!Files.isRegularFile(tokenizer)) {
      throw new IllegalArgumentException("tokenizer not found: " + tokenizer);
    }
    if (tokenizer.getFileName().toString().equals("tokenizer.json")) {
      return tokenizer.toAbsolutePath().getParent();
    }
    try {
      Path tmp = Files.createTempDirectory("shallows-tokenizer-");
      Files.copy(tokenizer, tmp.resolve("tokenizer.json"));
      tmp.toFile().deleteOnExit();
      tmp.resolve("tokenizer.json").toFile().deleteOnExit();
      return tmp;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The weights of an earlier stage, checked to have exactly the requested shape. */
  private static LlamaWeights initialWeights(Checkpoint ckpt, LlamaConfig config) {
    LlamaConfig c = ckpt.config();
    if (c.numHiddenLayers() != config.numHiddenLayers()
        || c.hiddenSize() != config.hiddenSize()
        || c.intermediateSize() != config.intermediateSize()
        || c.numAttentionHeads() != config.numAttentionHeads()
        || c.numKeyValueHeads() != config.numKeyValueHeads()
        || c.vocabSize() != config.vocabSize()
        || c.tieWordEmbeddings() != config.tieWordEmbeddings()) {
      throw new IllegalArgumentException(
          "--init-from " + ckpt.directory() + " has a different shape than the requested model");
    }
    return LlamaWeights.load(ckpt);
  }

  private static void copyTokenizer(Path from, Path to) throws IOException {
    for (String n : List.of("tokenizer.json", "tokenizer_config.json", "special_tokens_map.json")) {
      if (Files.isRegularFile(from.resolve(n))) {
        Files.copy(from.resolve(n), to.resolve(n), StandardCopyOption.REPLACE_EXISTING);
      }
    }
  }

  private static ObjectNode generationConfig(ModelShape s) {
    ObjectNode g = JSON.createObjectNode();
    if (s.bosId() >= 0) {
      g.put("bos_token_id", s.bosId());
    }
    if (s.eosId() >= 0) {
      g.put("eos_token_id", s.eosId());
    }
    g.put("max_length", s.context());
    return g;
  }

  private static ObjectNode manifest(
      Path tokenizer,
      List<Path> data,
      Options o,
      ModelShape shape,
      TokenWindows windows,
      TrainingResult r,
      long params) {
    TrainerConfig t = o.trainer();
    ObjectNode m = JSON.createObjectNode();
    m.put("format", "shallows-pretrain/1");
    m.put("created_at", Instant.now().toString());
    m.put("tokenizer", tokenizer.toAbsolutePath().normalize().toString());
    ArrayNode d = m.putArray("data");
    data.forEach(p -> d.add(p.toAbsolutePath().normalize().toString()));
    m.put("max_tokens_per_source", o.maxTokensPerSource());
    m.put("data_tokens", windows.tokenCount());
    m.put("parameters", params);
    ObjectNode s = m.putObject("shape");
    s.put("layers", shape.layers());
    s.put("hidden", shape.hidden());
    s.put("intermediate", shape.intermediate());
    s.put("heads", shape.heads());
    s.put("kv_heads", shape.kvHeads());
    s.put("context", shape.context());
    s.put("vocab", shape.vocab());
    s.put("tied", shape.tied());
    m.put("init", "N(0, 0.02), o_proj/down_proj N(0, 0.02/sqrt(2L)), norms 1");
    ObjectNode tr = m.putObject("training");
    tr.put("steps", t.steps());
    if (o.stopAfter() > 0) {
      tr.put("stopped_after", r.stepsDone());
    }
    tr.put("batch_size", t.batchSize());
    tr.put("seq_len", t.seqLen());
    tr.put("lr", t.lr());
    tr.put("min_lr", t.minLr());
    tr.put("warmup_steps", t.warmupSteps());
    tr.put("weight_decay", t.weightDecay());
    tr.put("grad_clip", t.gradClip());
    tr.put("optimizer", "AdamW(0.9, 0.999, 1e-8), decay on matrices only");
    tr.put("schedule", "linear warmup + cosine");
    tr.put("seed", t.seed());
    tr.put("tokens_seen", r.tokensSeen());
    tr.put("seconds_last_run", r.seconds());
    ArrayNode curve = tr.putArray("loss_curve");
    r.losses().forEach(curve::add);
    return m;
  }
}
