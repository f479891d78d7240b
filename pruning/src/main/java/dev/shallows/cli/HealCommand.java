package dev.shallows.cli;

import dev.shallows.engine.djl.ComputeSettings;
import dev.shallows.pruning.heal.Healer;
import dev.shallows.pruning.heal.LoraConfig;
import dev.shallows.pruning.train.TrainerConfig;
import dev.shallows.store.LlamaConfig;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code shallows heal}: LoRA / QLoRA healing of a (pruned) model on neutral text. */
@Command(
    name = "heal",
    mixinStandardHelpOptions = true,
    description = {
      "Trains low-rank adapters on a frozen model with a next-token loss on --data (a .txt file"
          + " with blank-line-separated documents, a .jsonl file with a \"text\" field or with"
          + " \"prompt\" and \"completion\" fields, whose loss counts the completion only, or a"
          + " directory of them), then writes --out: the healed variant as an HF checkpoint with"
          + " the adapters merged (shallows-variant.json gets the healing config and loss curve),"
          + " or with --adapter-only the adapters alone in Hugging Face PEFT layout.",
      "qlora keeps every frozen projection in 4-bit NF4 (block 64) and dequantizes it on the fly;"
          + " lora uses the F32 weights (cheaper on CPU).",
      "Progress goes to stderr; Ctrl-C stops after the current step and writes a checkpoint to"
          + " OUT.checkpoint/, which --resume continues from."
    })
public final class HealCommand implements Callable<Integer> {

  @Spec CommandSpec spec;
  @Mixin ModelOption model;
  @Mixin TrainingOptions training;

  @Option(names = "--data", required = true, paramLabel = "FILE", description = "training text")
  Path data;

  @Option(
      names = "--method",
      defaultValue = "lora",
      description = "lora | qlora (default ${DEFAULT-VALUE})")
  String method;

  @Option(names = "--out", required = true, paramLabel = "DIR", description = "output directory")
  Path out;

  @Option(
      names = "--rank",
      defaultValue = "8",
      paramLabel = "R",
      description = "adapter rank (default ${DEFAULT-VALUE})")
  int rank;

  @Option(names = "--alpha", paramLabel = "A", description = "LoRA alpha (default: = rank)")
  Double alpha;

  @Option(
      names = "--dropout",
      defaultValue = "0.05",
      paramLabel = "P",
      description = "adapter input dropout (default ${DEFAULT-VALUE})")
  double dropout;

  @Option(
      names = "--targets",
      split = ",",
      paramLabel = "MODULE",
      description = "projections to adapt (default: gate_proj,up_proj,down_proj as in the paper)")
  List<String> targets;

  @Option(
      names = "--adapter-only",
      description = "write the adapters (PEFT layout) instead of the merged variant")
  boolean adapterOnly;

  @Override
  public Integer call() {
    PrintWriter o = spec.commandLine().getOut();
    Path dir = model.resolve();
    if (!Files.exists(data)) {
      throw new IllegalArgumentException("--data not found: " + data);
    }
    LoraConfig lora =
        new LoraConfig(
            LoraConfig.Method.parse(method),
            rank,
            alpha != null ? alpha : rank,
            dropout,
            targets != null ? targets : LoraConfig.DEFAULT_TARGETS);
    int context = LlamaConfig.read(dir).maxPositionEmbeddings();
    TrainerConfig tc = training.config(out, Math.min(256, context), 2e-4, 0.0);
    if (tc.seqLen() > context) {
      throw new IllegalArgumentException(
          "--seq-len " + tc.seqLen() + " exceeds the model's context " + context);
    }
    o.printf(
        Locale.ROOT,
        "healing %s with %s (r=%d, alpha=%s, dropout=%s, targets=%s): %d steps x %d x %d tokens,"
            + " lr %.2e%n",
        dir,
        lora.method().cliName(),
        lora.rank(),
        lora.alpha(),
        lora.dropout(),
        String.join(",", lora.targetModules()),
        tc.steps(),
        tc.batchSize(),
        tc.seqLen(),
        tc.lr());
    o.flush();
    TrainingProgress progress = new TrainingProgress(System.err);
    Healer.Result r;
    try {
      r =
          Healer.heal(
              dir,
              data,
              new Healer.Options(lora, tc, adapterOnly, training.resume, ComputeSettings.resolve()),
              out,
              progress,
              progress.cancellation());
    } finally {
      progress.done();
    }
    if (r.output() == null) {
      o.println(
          "stopped after step "
              + r.training().stepsDone()
              + "; resume with the same command and --resume"
              + " (state in "
              + tc.checkpointDir()
              + ")");
      o.flush();
      return 130;
    }
    o.printf(
        Locale.ROOT,
        "loss: first 10 steps %.4f, last 10 steps %.4f (%d steps, %.1fs)%n",
        r.training().meanFirst(10),
        r.training().meanLast(10),
        r.training().stepsDone(),
        r.training().seconds());
    o.println("wrote " + out.toAbsolutePath().normalize() + (adapterOnly ? " (PEFT adapter)" : ""));
    o.flush();
    return 0;
  }
}
