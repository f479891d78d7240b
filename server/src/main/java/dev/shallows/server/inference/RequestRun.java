package dev.shallows.server.inference;

import dev.shallows.engine.generate.Generation;
import dev.shallows.engine.generate.GenerationResult;
import dev.shallows.server.model.Variant;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The generations of one HTTP request (prompts x n choices) on one variant. Choice {@code i} is
 * {@code generations.get(i)}. Events arrive on the variant's batcher thread and are queued for a
 * streaming writer; {@link #abort()} stops every choice before its next step.
 */
public final class RequestRun {

  private final Variant variant;
  private final List<Generation> generations;
  private final List<int[]> promptIds;
  private final BlockingQueue<RunEvent> events;

  RequestRun(
      Variant variant,
      List<Generation> generations,
      List<int[]> promptIds,
      BlockingQueue<RunEvent> events) {
    this.variant = variant;
    this.generations = generations;
    this.promptIds = promptIds;
    this.events = events;
  }

  static BlockingQueue<RunEvent> newQueue() {
    return new LinkedBlockingQueue<>();
  }

  public Variant variant() {
    return variant;
  }

  public int choices() {
    return generations.size();
  }

  /** Prompt token ids of choice {@code i}. */
  public int[] promptIds(int choice) {
    return promptIds.get(choice);
  }

  /** Next event, waiting up to {@code millis}; null on timeout. */
  public RunEvent poll(long millis) throws InterruptedException {
    return events.poll(millis, TimeUnit.MILLISECONDS);
  }

  /** Waits for every choice; the engine's failure is rethrown. */
  public List<GenerationResult> await() throws InterruptedException {
    CompletableFuture<?>[] all =
        generations.stream().map(Generation::result).toArray(CompletableFuture[]::new);
    try {
      CompletableFuture.allOf(all).get();
    } catch (ExecutionException e) {
      abort();
      throw new IllegalStateException("generation failed: " + e.getCause(), e.getCause());
    }
    return generations.stream().map(g -> g.result().join()).toList();
  }

  /** Stops every choice (client gone). */
  public void abort() {
    generations.forEach(Generation::abort);
  }
}
