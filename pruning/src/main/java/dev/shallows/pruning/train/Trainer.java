package dev.shallows.pruning.train;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import dev.shallows.pruning.Cancellation;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The training loop shared by LoRA/QLoRA healing and full-parameter pretraining: next-token
 * cross-entropy on fixed-length windows (averaged over the scored targets: all of them, or only the
 * completions of prompt-completion data), AdamW, cosine schedule with linear warmup, global-norm
 * gradient clipping, cancellation between steps, and resumable checkpoints. Each step's arrays live
 * in a sub-manager closed at the end of the step, so a long run does not grow native memory. A step
 * whose loss or gradient norm is not finite is skipped (weights and optimizer state untouched);
 * after {@link #MAX_SKIPPED_IN_A_ROW} such steps in a row training stops without a checkpoint.
 *
 * <p>Determinism: the batch of step s depends only on (seed, s) and the DJL/PyTorch RNG (dropout)
 * is reseeded from (seed, s) before every step, so a resumed run repeats an uninterrupted one.
 */
public final class Trainer {

  /** Consecutive non-finite steps (skipped, weights untouched) tolerated before giving up. */
  static final int MAX_SKIPPED_IN_A_ROW = 8;

  private final TrainerConfig config;
  private final NDManager manager;

  /** A trainer whose optimizer state and per-step arrays live under {@code manager}. */
  public Trainer(TrainerConfig config, NDManager manager) {
    this.config = config;
    this.manager = manager;
  }

  public TrainerConfig config() {
    return config;
  }

  /**
   * Trains {@code model} on {@code data} for the configured steps. With {@code resume} and an
   * existing checkpoint in the checkpoint directory, parameters, optimizer moments, the step and
   * the loss curve are restored first. Returns early (cancelled = true, after a checkpoint if a
   * directory is set) when {@code cancel} is raised.
   */
  public TrainingResult train(
      TrainableModel model,
      TokenWindows data,
      boolean resume,
      TrainingListener listener,
      Cancellation cancel) {
    TrainerConfig c = config;
    if (data.seqLen() != c.seqLen()) {
      throw new IllegalArgumentException(
          "data windows have T=" + data.seqLen() + ", config " + c.seqLen());
    }
    Map<String, NDArray> params = model.trainableParameters();
    CosineSchedule schedule = c.schedule();
    List<Double> losses = new ArrayList<>();
    long tokens = 0;
    int start = 0;
    try (AdamW opt = new AdamW(manager, params, AdamW.Hyper.defaults(c.weightDecay()))) {
      if (resume && TrainingCheckpoint.exists(c.checkpointDir())) {
        TrainingCheckpoint.Loaded ck = TrainingCheckpoint.load(c.checkpointDir(), c, manager);
        for (Map.Entry<String, NDArray> e : params.entrySet()) {
          float[] v = ck.params().get(e.getKey());
          if (v == null) {
            throw new IllegalArgumentException("checkpoint lacks parameter " + e.getKey());
          }
          Tensors.assign(e.getValue(), v);
        }
        opt.load(ck.optimizer(), ck.step());
        start = ck.step();
        losses.addAll(ck.losses());
        tokens = ck.tokensSeen();
      }
      model.setTraining(true);
      long t0 = System.nanoTime();
      long runTokens = 0;
      boolean cancelled = false;
      int step = start;
      int skippedInARow = 0;
      try {
        for (; step < c.steps(); step++) {
          if (cancel.isCancelled()) {
            cancelled = true;
            break;
          }
          double lr = schedule.at(step);
          double[] lossAndNorm = step(model, params, opt, data, step, lr);
          skippedInARow =
              Double.isFinite(lossAndNorm[0]) && Double.isFinite(lossAndNorm[1])
                  ? 0
                  : skippedInARow + 1;
          if (skippedInARow > MAX_SKIPPED_IN_A_ROW) {
            throw new IllegalStateException(
                "loss or gradient not finite for "
                    + skippedInARow
                    + " steps in a row (last at step "
                    + (step + 1)
                    + "); stopped without saving: lower the learning rate");
          }
          losses.add(lossAndNorm[0]);
          long stepTokens = (long) c.batchSize() * c.seqLen();
          tokens += stepTokens;
          runTokens += stepTokens;
          double secs = (System.nanoTime() - t0) / 1e9;
          int doneHere = step + 1 - start;
          listener.onStep(
              new TrainingListener.StepEvent(
                  step + 1,
                  c.steps(),
                  lossAndNorm[0],
                  lr,
                  lossAndNorm[1],
                  runTokens / secs,
                  secs / doneHere * (c.steps() - step - 1)));
          boolean periodic = c.checkpointEvery() > 0 && (step + 1) % c.checkpointEvery() == 0;
          if (c.checkpointDir() != null && periodic && step + 1 < c.steps()) {
            TrainingCheckpoint.save(c.checkpointDir(), c, step + 1, losses, tokens, params, opt);
            listener.onCheckpoint(step + 1, c.checkpointDir());
          }
        }
      } finally {
        model.setTraining(false);
      }
      if (c.checkpointDir() != null && step > start) {
        TrainingCheckpoint.save(c.checkpointDir(), c, step, losses, tokens, params, opt);
        listener.onCheckpoint(step, c.checkpointDir());
      }
      return new TrainingResult(step, losses, cancelled, (System.nanoTime() - t0) / 1e9, tokens);
    }
  }

  /** One optimizer step; returns {loss, gradient norm before clipping}. */
  private double[] step(
      TrainableModel model,
      Map<String, NDArray> params,
      AdamW opt,
      TokenWindows data,
      int step,
      double lr) {
    int b = config.batchSize();
    int t = config.seqLen();
    Engine.getInstance().setRandomSeed(seedFor(config.seed(), step));
    int[][] batch = data.batch(step, b);
    boolean[][] scored = data.scoredTargets(step, b); // null: every target counts
    long[] in = new long[b * t];
    long[] out = new long[b * t];
    float[] weight = new float[b * t];
    int counted = 0;
    for (int i = 0; i < b; i++) {
      for (int j = 0; j < t; j++) {
        in[i * t + j] = batch[i][j];
        out[i * t + j] = batch[i][j + 1];
        if (scored == null || scored[i][j]) {
          weight[i * t + j] = 1;
          counted++;
        }
      }
    }
    try (NDManager sm = manager.newSubManager()) {
      NDArray ids = sm.create(in, new Shape(b, t)); // (B, T)
      NDArray targets = sm.create(out, new Shape(b, t, 1)); // (B, T, 1)
      double loss;
      try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
        NDArray logits = model.logits(ids, sm); // (B, T, V)
        NDArray logp = logits.logSoftmax(-1).gather(targets, -1); // (B, T, 1)
        // mean over the scored targets (all of them for plain text); a batch of prompts only
        // scores nothing and leaves a zero gradient
        NDArray nll =
            scored == null
                ? logp.mean().neg()
                : logp.mul(sm.create(weight, new Shape(b, t, 1)))
                    .sum()
                    .neg()
                    .div(Math.max(1, counted)); // ()
        gc.backward(nll);
        loss = nll.getFloat();
      }
      Map<String, NDArray> grads = new LinkedHashMap<>();
      double sq = 0;
      for (Map.Entry<String, NDArray> e : params.entrySet()) {
        NDArray g = e.getValue().getGradient();
        g.attach(sm);
        grads.put(e.getKey(), g);
        sq += g.square().sum().getFloat();
      }
      double norm = Math.sqrt(sq);
      if (!Double.isFinite(loss) || !Double.isFinite(norm)) {
        // an overflowed step: leave the weights and moments as they are (one inf gradient would
        // otherwise turn every weight into NaN) and clear the gradients for the next step
        grads.values().forEach(g -> g.set(new NDIndex("..."), 0));
        return new double[] {loss, norm};
      }
      if (config.gradClip() > 0 && norm > config.gradClip()) {
        double scale = config.gradClip() / (norm + 1e-6);
        grads.values().forEach(g -> g.muli(scale));
      }
      opt.step(grads, lr, sm);
      grads.values().forEach(g -> g.subi(g)); // PyTorch accumulates: zero for the next step
      return new double[] {loss, norm};
    }
  }

  /** An int seed for step s (DJL takes an int), mixing the run seed and the step. */
  static int seedFor(long seed, int step) {
    long z = seed * 0x9E3779B97F4A7C15L + step * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 31)) * 0x94D049BB133111EBL;
    return (int) (z ^ (z >>> 29)) & 0x7fffffff;
  }
}
