package dev.shallows.pruning.train;

import java.nio.file.Path;

/**
 * Settings of one training run (shared by healing and pretraining).
 *
 * @param steps optimizer steps in total
 * @param batchSize sequences per step, B
 * @param seqLen tokens per sequence, T
 * @param lr peak learning rate
 * @param minLr learning rate at the last step (cosine floor)
 * @param warmupSteps linear warmup steps
 * @param weightDecay AdamW decoupled weight decay (matrices only)
 * @param gradClip global gradient-norm clip (<= 0: off)
 * @param seed seeds data order, dropout and initialization
 * @param checkpointDir where resumable checkpoints go (null: none)
 * @param checkpointEvery steps between checkpoints (<= 0: only at the end or on cancel)
 */
public record TrainerConfig(
    int steps,
    int batchSize,
    int seqLen,
    double lr,
    double minLr,
    int warmupSteps,
    double weightDecay,
    double gradClip,
    long seed,
    Path checkpointDir,
    int checkpointEvery) {

  public TrainerConfig {
    if (steps <= 0 || batchSize <= 0 || seqLen <= 0) {
      throw new IllegalArgumentException("steps, batch size and sequence length must be positive");
    }
    if (!(lr > 0) || minLr < 0 || minLr > lr) {
      throw new IllegalArgumentException("need lr > 0 and 0 <= min lr <= lr");
    }
    if (warmupSteps < 0 || warmupSteps > steps) {
      throw new IllegalArgumentException("warmup steps must be in 0.." + steps);
    }
  }

  /** The schedule these settings describe. */
  public CosineSchedule schedule() {
    return new CosineSchedule(lr, minLr, warmupSteps, steps);
  }

  /** A copy with another checkpoint directory and interval. */
  public TrainerConfig withCheckpoints(Path dir, int every) {
    return new TrainerConfig(
        steps, batchSize, seqLen, lr, minLr, warmupSteps, weightDecay, gradClip, seed, dir, every);
  }
}
