package dev.shallows.cli;

import dev.shallows.engine.djl.ComputeSettings;
import dev.shallows.pruning.train.Pretrainer;
import dev.shallows.pruning.train.TrainerConfig;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code shallows pretrain}: trains a Llama from random initialization (full parameters). */
@Command(
    name = "pretrain",
    mixinStandardHelpOptions = true,
    description = {
      "Trains a Llama-architecture model from a seeded random initialization on text (--data:"
          + " .txt / .jsonl files or directories, read in the order given), with the same training"
          + " loop as healing: AdamW, linear warmup + cosine, gradient clipping. JSONL lines hold"
          + " \"text\" (every token scored) or \"prompt\" + \"completion\" (only the"
          + " completion's tokens count in the loss).",
      "Writes --out as a standard HF model directory: config.json, model.safetensors,"
          + " tokenizer.json (copied from --tokenizer), generation_config.json and"
          + " shallows-pretrain.json (shape, data, settings, loss curve) with the curve drawn in"
          + " shallows-pretrain-loss.png.",
      "Progress goes to stderr; Ctrl-C stops after the current step and writes a checkpoint to"
          + " OUT.checkpoint/, which --resume continues from."
    })
public final class PretrainCommand implements Callable<Integer> {

  @Spec CommandSpec spec;
  @Mixin TrainingOptions training;

  @Option(
      names = "--tokenizer",
      required = true,
      paramLabel = "FILE",
      description = "tokenizer.json (or a directory holding one)")
  Path tokenizer;

  @Option(
      names = "--data",
      required = true,
      split = ",",
      paramLabel = "PATH",
      description = "training text files or directories (repeat or comma-separate)")
  List<Path> data;

  @Option(names = "--out", required = true, paramLabel = "DIR", description = "output directory")
  Path out;

  @Option(
      names = "--layers",
      defaultValue = "12",
      description = "decoder layers (default ${DEFAULT-VALUE})")
  int layers;

  @Option(
      names = "--hidden",
      defaultValue = "256",
      description = "hidden size (default ${DEFAULT-VALUE})")
  int hidden;

  @Option(
      names = "--intermediate",
      defaultValue = "688",
      description = "SwiGLU width (default ${DEFAULT-VALUE})")
  int intermediate;

  @Option(
      names = "--heads",
      defaultValue = "8",
      description = "attention heads (default ${DEFAULT-VALUE})")
  int heads;

  @Option(
      names = "--kv-heads",
      defaultValue = "4",
      description = "key/value heads, GQA when < heads (default ${DEFAULT-VALUE})")
  int kvHeads;

  @Option(
      names = "--context",
      defaultValue = "512",
      description = "max_position_embeddings (default ${DEFAULT-VALUE})")
  int context;

  @Option(
      names = "--untied",
      description = "separate LM head (default: tied to the token embedding)")
  boolean untied;

  @Option(
      names = "--max-tokens-per-source",
      defaultValue = "0",
      paramLabel = "N",
      description =
          "take at most N tokens from each --data path, 0 = all (default ${DEFAULT-VALUE})")
  long maxTokensPerSource;

  @Option(
      names = "--init-from",
      paramLabel = "DIR",
      description =
          "start from this model's weights instead of a random init (a second training stage;"
              + " the shape options must match it)")
  Path initFrom;

  @Option(
      names = "--stop-after",
      paramLabel = "N",
      defaultValue = "0",
      description =
          "stop after step N of the --steps schedule (its learning rates unchanged) and write the"
              + " model as of that step; OUT.checkpoint/ stays for a later --resume (default"
              + " ${DEFAULT-VALUE}: run all steps)")
  int stopAfter;

  @Override
  public Integer call() {
    PrintWriter o = spec.commandLine().getOut();
    TrainerConfig tc = training.config(out, Math.min(256, context), 1e-3, 0.1);
    Pretrainer.Options opts =
        new Pretrainer.Options(
            layers,
            hidden,
            intermediate,
            heads,
            kvHeads,
            context,
            !untied,
            tc,
            training.resume,
            maxTokensPerSource,
            ComputeSettings.resolve(),
            initFrom,
            stopAfter);
    o.printf(
        Locale.ROOT,
        "pretraining %d layers x %d hidden (%d heads, %d kv): %d steps x %d x %d tokens, lr %.2e%n",
        layers,
        hidden,
        heads,
        kvHeads,
        tc.steps(),
        tc.batchSize(),
        tc.seqLen(),
        tc.lr());
    o.flush();
    TrainingProgress progress = new TrainingProgress(System.err);
    Pretrainer.Result r;
    try {
      r = Pretrainer.pretrain(tokenizer, data, opts, out, progress, progress.cancellation());
    } finally {
      progress.done();
    }
    if (r.output() == null) {
      o.println(
          "stopped after step "
              + r.training().stepsDone()
              + "; resume with the same command and"
              + " --resume (state in "
              + tc.checkpointDir()
              + ")");
      o.flush();
      return 130;
    }
    o.printf(
        Locale.ROOT,
        "%d parameters; loss: first 10 steps %.4f, last 10 steps %.4f (%d steps, %.1fs)%n",
        r.parameters(),
        r.training().meanFirst(10),
        r.training().meanLast(10),
        r.training().stepsDone(),
        r.training().seconds());
    if (r.training().stepsDone() < tc.steps()) {
      o.println(
          "stopped after step "
              + r.training().stepsDone()
              + " of "
              + tc.steps()
              + " as asked (--stop-after); "
              + tc.checkpointDir()
              + " can --resume the rest");
    }
    o.println("wrote " + out.toAbsolutePath().normalize());
    o.flush();
    return 0;
  }
}
