package dev.shallows.pruning.train;

import java.nio.file.Path;

/**
 * Receives training progress: one event after every optimizer step (the CLI draws a progress bar,
 * the server streams it) and one per checkpoint written. Called on the training thread.
 */
public interface TrainingListener {

  TrainingListener NONE = e -> {};

  /**
   * One finished step.
   *
   * @param step steps done so far (1-based: 1 after the first update)
   * @param totalSteps steps planned
   * @param loss the mean next-token cross-entropy of this step's batch (nats)
   * @param lr the learning rate used for this step
   * @param gradNorm the global gradient L2 norm before clipping
   * @param tokensPerSecond input tokens trained on per second, averaged over this run
   * @param etaSeconds estimated seconds left
   */
  record StepEvent(
      int step,
      int totalSteps,
      double loss,
      double lr,
      double gradNorm,
      double tokensPerSecond,
      double etaSeconds) {}

  void onStep(StepEvent event);

  /** A resumable checkpoint was written after {@code step} steps. */
  default void onCheckpoint(int step, Path dir) {}
}
