package dev.shallows.cli;

import dev.shallows.pruning.train.TrainerConfig;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * Training options shared by {@code heal} and {@code pretrain}. Options without a value here take
 * the command's own default (the two differ in learning rate, weight decay and sequence length).
 */
final class TrainingOptions {

  @Option(names = "--steps", required = true, paramLabel = "N", description = "optimizer steps")
  int steps;

  @Option(
      names = "--batch-size",
      defaultValue = "8",
      paramLabel = "B",
      description = "sequences per step (default ${DEFAULT-VALUE})")
  int batchSize;

  @Option(names = "--seq-len", paramLabel = "T", description = "tokens per sequence")
  Integer seqLen;

  @Option(names = "--lr", paramLabel = "LR", description = "peak learning rate")
  Double lr;

  @Option(
      names = "--min-lr",
      paramLabel = "LR",
      description = "learning rate at the last step (default: lr / 10)")
  Double minLr;

  @Option(
      names = "--warmup",
      paramLabel = "N",
      description = "linear warmup steps (default: 5%% of steps, at least 1)")
  Integer warmup;

  @Option(names = "--weight-decay", paramLabel = "WD", description = "AdamW weight decay")
  Double weightDecay;

  @Option(
      names = "--grad-clip",
      defaultValue = "1.0",
      paramLabel = "NORM",
      description = "global gradient-norm clip, 0 = off (default ${DEFAULT-VALUE})")
  double gradClip;

  @Option(
      names = "--seed",
      defaultValue = "0",
      paramLabel = "S",
      description = "seeds init, data order and dropout (default ${DEFAULT-VALUE})")
  long seed;

  @Option(
      names = "--checkpoint-every",
      defaultValue = "100",
      paramLabel = "N",
      description =
          "steps between resumable checkpoints in OUT.checkpoint/ (default ${DEFAULT-VALUE})")
  int checkpointEvery;

  @Option(
      names = "--resume",
      description = "continue from OUT.checkpoint/ (same settings required)")
  boolean resume;

  /** The trainer settings, with the command's defaults for unset values. */
  TrainerConfig config(Path out, int defaultSeqLen, double defaultLr, double defaultWeightDecay) {
    double peak = lr != null ? lr : defaultLr;
    int warm = warmup != null ? warmup : Math.max(1, steps / 20);
    return new TrainerConfig(
        steps,
        batchSize,
        seqLen != null ? seqLen : defaultSeqLen,
        peak,
        minLr != null ? minLr : peak / 10,
        Math.min(warm, steps),
        weightDecay != null ? weightDecay : defaultWeightDecay,
        gradClip,
        seed,
        checkpointDir(out),
        checkpointEvery);
  }

  /** Where resumable state of a run writing {@code out} lives. */
  static Path checkpointDir(Path out) {
    Path abs = out.toAbsolutePath().normalize();
    return abs.resolveSibling(abs.getFileName() + ".checkpoint");
  }
}
