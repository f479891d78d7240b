package dev.shallows.engine.generate;

import dev.shallows.engine.Decoder;
import dev.shallows.engine.SequenceState;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Future;
import java.util.concurrent.FutureTask;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Continuous batching over one {@link Decoder}: a single thread owns the decoder; between steps,
 * queued generations join and prompts are prefilled, at most {@code prefillTokensPerStep} tokens
 * per step (a long prompt in chunks; the last chunk samples the first token), then one {@link
 * Decoder#decode} call advances every sequence past its prompt by a token; finished and aborted
 * sequences leave and free their KV cache. Admission is bounded: {@link #submit} throws {@link
 * QueueFullException} when {@code maxQueued} generations are already waiting. The batcher does not
 * own the decoder: close the batcher first, then the decoder.
 */
public final class ContinuousBatcher implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(ContinuousBatcher.class);

  /**
   * Batcher settings.
   *
   * @param name shown in the thread name, logs and errors (e.g. the variant)
   * @param maxBatchSize most sequences decoded together; more wait in the queue; >= 1
   * @param maxQueued most generations waiting to join; a further submit is refused; >= 0
   * @param prefillTokensPerStep prompt tokens prefilled between two decode steps, longer prompts in
   *     chunks over several steps: bounds the stall that joining prompts cause the running
   *     sequences; >= 1
   * @param promptCacheBytes KV cache bytes of finished sequences kept for later prompts that start
   *     the same way ({@link PromptCache}); 0 = none
   */
  public record Options(
      String name,
      int maxBatchSize,
      int maxQueued,
      int prefillTokensPerStep,
      long promptCacheBytes) {
    public Options {
      if (maxBatchSize < 1) {
        throw new IllegalArgumentException("maxBatchSize must be >= 1, got " + maxBatchSize);
      }
      if (maxQueued < 0) {
        throw new IllegalArgumentException("maxQueued must be >= 0, got " + maxQueued);
      }
      if (prefillTokensPerStep < 1) {
        throw new IllegalArgumentException(
            "prefillTokensPerStep must be >= 1, got " + prefillTokensPerStep);
      }
      if (promptCacheBytes < 0) {
        throw new IllegalArgumentException(
            "promptCacheBytes must be >= 0, got " + promptCacheBytes);
      }
    }

    /** Options with up to 2048 prompt tokens prefilled between two decode steps, no cache. */
    public Options(String name, int maxBatchSize, int maxQueued) {
      this(name, maxBatchSize, maxQueued, 2048, 0);
    }

    /** These options with a prompt cache of {@code bytes}. */
    public Options withPromptCache(long bytes) {
      return new Options(name, maxBatchSize, maxQueued, prefillTokensPerStep, bytes);
    }

    /** Batches of up to 8, up to 64 waiting. */
    public static Options defaults(String name) {
      return new Options(name, 8, 64);
    }
  }

  private record Pending(Generation generation, GenerationListener listener) {}

  /** Prefixes shorter than this are prefilled again rather than taken from the prompt cache. */
  private static final int MIN_CACHED_PREFIX = 8;

  private final Decoder decoder;
  private final Options options;
  private final PromptCache promptCache;
  private final BlockingQueue<Pending> queue;
  private final List<Generation> active = new ArrayList<>();
  private final Thread thread;
  private volatile boolean accepting = true;

  /** Tasks waiting at most (see {@link #run}). */
  static final int MAX_TASKS = 1024;

  private final BlockingQueue<FutureTask<?>> tasks = new LinkedBlockingQueue<>(MAX_TASKS);

  /** Released by every submit and task, so an idle batcher starts at once. */
  private final Semaphore wake = new Semaphore(0);

  private volatile boolean shuttingDown;
  private volatile long abortDeadlineNanos; // once shutting down: after it, everything is aborted
  private volatile int activeCount;
  private volatile int lastBatchSize;
  private volatile long kvCacheBytes;
  private volatile long steps;
  private volatile long prefilledTokens;

  /** Starts the batcher's thread over {@code decoder}. */
  public ContinuousBatcher(Decoder decoder, Options options) {
    this.decoder = decoder;
    this.options = options;
    this.promptCache =
        options.promptCacheBytes() > 0
            ? new PromptCache(decoder, options.promptCacheBytes(), MIN_CACHED_PREFIX)
            : null;
    this.queue = new ArrayBlockingQueue<>(Math.max(1, options.maxQueued()));
    this.thread = new Thread(this::loop, "shallows-batcher-" + options.name());
    thread.setDaemon(true);
    thread.start();
  }

  /**
   * Queues a generation; it joins the batch between two steps. The listener is called on the
   * batcher's thread. Returns the generation (its {@link Generation#result()} and {@link
   * Generation#abort()} are the handle).
   *
   * @throws BadParameterException if the prompt does not fit this decoder's model
   * @throws QueueFullException if {@code maxQueued} generations are already waiting
   * @throws IllegalStateException if the batcher is shut down
   */
  public Generation submit(Generation generation, GenerationListener listener) {
    generation.validateFor(decoder.config());
    if (!accepting) {
      throw new IllegalStateException(options.name() + ": batcher is shut down");
    }
    if (options.maxQueued() == 0 || !offer(new Pending(generation, listener))) {
      throw new QueueFullException(options.name(), options.maxQueued());
    }
    wake.release();
    return generation;
  }

  /**
   * Queues p; when the queue is full, first drops the aborted generations still waiting in it (a
   * refused request's choices, until the batcher thread gets to them), so their slots count at
   * once.
   */
  private boolean offer(Pending p) {
    if (queue.offer(p)) {
      return true;
    }
    dropAbortedQueued();
    return queue.offer(p);
  }

  /** Removes aborted generations from the queue and completes them (any thread may call it). */
  private void dropAbortedQueued() {
    for (Pending q : queue) {
      if (q.generation().abortRequested() && queue.remove(q)) {
        q.generation().start(decoder, q.listener()); // completes at once as aborted, no prefill
      }
    }
  }

  /**
   * Runs work that needs this batcher's decoder (an embedding, say) on the batcher's thread,
   * between two decode steps: at most one such task per step, so the running sequences are held up
   * by one task at a time, as by a prefill chunk.
   *
   * @throws QueueFullException if {@value #MAX_TASKS} tasks are already waiting
   * @throws IllegalStateException if the batcher is shut down
   */
  public <T> Future<T> run(Function<Decoder, T> work) {
    if (!accepting) {
      throw new IllegalStateException(options.name() + ": batcher is shut down");
    }
    FutureTask<T> task = new FutureTask<>(() -> work.apply(decoder));
    if (!tasks.offer(task)) {
      throw new QueueFullException(options.name(), MAX_TASKS);
    }
    wake.release();
    if (!thread.isAlive()) {
      cancelTasks(); // the thread ended between the check and the offer
    }
    return task;
  }

  /** The decoder this batcher drives. */
  public Decoder decoder() {
    return decoder;
  }

  public Options options() {
    return options;
  }

  /** Generations waiting to join. */
  public int queueDepth() {
    return queue.size();
  }

  /** Generations in the batch now. */
  public int activeSequences() {
    return activeCount;
  }

  /** Sequences in the most recent decode step. */
  public int lastBatchSize() {
    return lastBatchSize;
  }

  /** KV cache bytes held by the active sequences. */
  public long kvCacheBytes() {
    return kvCacheBytes;
  }

  /** KV cache bytes kept by the prompt cache (0 without one). */
  public long promptCacheBytes() {
    return promptCache == null ? 0 : promptCache.bytes();
  }

  /** Prompts that reused a cached prefix so far. */
  public long promptCacheHits() {
    return promptCache == null ? 0 : promptCache.hits();
  }

  /** Prompt tokens taken from the prompt cache instead of prefilled, so far. */
  public long promptCacheTokens() {
    return promptCache == null ? 0 : promptCache.reusedTokens();
  }

  /**
   * Prompt tokens actually prefilled so far (not those taken from the prompt cache or shared
   * between the choices of one prompt).
   */
  public long prefilledTokens() {
    return prefilledTokens;
  }

  /** Decode steps run so far. */
  public long steps() {
    return steps;
  }

  /**
   * Stops accepting, lets queued and active generations finish for up to {@code grace}, aborts what
   * is left (finish reason ABORT) and waits for the thread to end.
   */
  public void shutdown(Duration grace) {
    accepting = false;
    abortDeadlineNanos = System.nanoTime() + Math.max(0, grace.toNanos());
    shuttingDown = true;
    if (Thread.currentThread() == thread) {
      return; // called from a listener: the loop sees the deadline after this step
    }
    try {
      thread.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Shuts down at once: queued and active generations are aborted. */
  @Override
  public void close() {
    shutdown(Duration.ZERO);
  }

  // ---- the batcher thread --------------------------------------------------------------

  private void loop() {
    try {
      while (true) {
        if (shuttingDown && System.nanoTime() - abortDeadlineNanos >= 0) {
          abortEverything();
          return;
        }
        runOneTask();
        admit();
        dropAborted();
        if (active.isEmpty()) {
          if (!accepting && queue.isEmpty()) {
            return;
          }
          if (queue.isEmpty() && tasks.isEmpty()) {
            wake.tryAcquire(20, TimeUnit.MILLISECONDS); // a submit or a task wakes it
          }
          wake.drainPermits();
          continue;
        }
        if (active.stream().anyMatch(Generation::isDecoding)) {
          decodeStep();
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      abortEverything();
    } catch (Throwable t) {
      LOG.error("{}: batcher thread died", options.name(), t);
      failEverything(t);
    } finally {
      abortQueued(); // a submit racing with shutdown may have queued after the last check
      if (promptCache != null) {
        promptCache.close();
      }
      publishMetrics();
    }
  }

  /**
   * Spends this step's prefill budget: first on prompts already being prefilled (oldest first),
   * then on queued generations, which join while the batch has room; the chunks all go through one
   * multi-sequence prefill pass. A prompt longer than the budget is prefilled in chunks over
   * several steps, so it never stalls the running sequences for more than one budget's worth of
   * prefill.
   */
  private void admit() {
    int budget = options.prefillTokensPerStep();
    Step step = new Step();
    for (Generation g : active) {
      if (budget == 0) {
        break;
      }
      budget -= step.take(g, budget);
    }
    while (budget > 0 && active.size() < options.maxBatchSize()) {
      Pending p = queue.poll();
      if (p == null) {
        break;
      }
      budget -= step.take(join(p), budget);
    }
    if (!step.chunks.isEmpty()) {
      prefill(step.gens, step.chunks);
    }
    for (Generation[] pair : step.siblings) {
      if (pair[1].canDonatePrompt()) {
        pair[0].sharePromptOf(pair[1]); // else it is prefilled in a later step
      }
    }
    active.removeIf(g -> !g.isActive()); // finished at once, or failed
    publishMetrics();
  }

  /** The prefill work of one step: chunks to prefill, and generations waiting on a sibling's. */
  private static final class Step {
    final List<Generation> gens = new ArrayList<>();
    final List<int[]> chunks = new ArrayList<>();
    final List<Generation[]> siblings = new ArrayList<>(); // {generation, donor}

    /**
     * Adds g's next chunk (within budget) and returns its tokens; or, when a generation of this
     * step prefills the same whole prompt, notes g as its sibling and returns 0.
     */
    int take(Generation g, int budget) {
      for (int i = 0; i < gens.size(); i++) {
        Generation d = gens.get(i);
        if (chunks.get(i).length == d.promptLength() && g.canSharePromptOf(d)) {
          siblings.add(new Generation[] {g, d});
          return 0;
        }
      }
      int[] c = g.nextChunk(budget);
      if (c.length > 0) {
        gens.add(g);
        chunks.add(c);
      }
      return c.length;
    }
  }

  /** One prefill pass over every chunk of this step (short prompts share the weight reads). */
  private void prefill(List<Generation> gens, List<int[]> chunks) {
    List<SequenceState> states = new ArrayList<>(gens.size());
    boolean[] all = new boolean[gens.size()];
    for (int i = 0; i < gens.size(); i++) {
      states.add(gens.get(i).state());
      all[i] = gens.get(i).wantsAllPositions();
    }
    List<float[][]> logits;
    try {
      logits = decoder.prefill(states, chunks, all);
      for (int[] c : chunks) {
        prefilledTokens += c.length;
      }
    } catch (RuntimeException e) {
      LOG.error("{}: prefill failed for {} sequences", options.name(), gens.size(), e);
      gens.forEach(g -> g.fail(e));
      return;
    }
    for (int i = 0; i < gens.size(); i++) {
      Generation g = gens.get(i);
      g.prefilled(logits.get(i), chunks.get(i).length);
      cachePrompt(g);
    }
  }

  /**
   * Once a prompt is prefilled, a copy of its keys and values goes to the prompt cache at once (the
   * whole sequence follows when the generation ends), so prompts arriving meanwhile with the same
   * start (the other choices of one request, a shared system prompt) reuse it.
   */
  private void cachePrompt(Generation g) {
    if (promptCache == null || !g.canDonatePrompt() || g.promptLength() < MIN_CACHED_PREFIX) {
      return;
    }
    int[] prompt = g.promptTokens();
    if (promptCache.covers(prompt)) {
      return; // a repeated prompt, or one whose sequence is cached whole: nothing to copy
    }
    SequenceState copy = decoder.newSequence(g.promptLength());
    try {
      g.state().copyTo(copy, g.promptLength());
    } catch (RuntimeException e) {
      copy.close();
      LOG.warn("{}: prompt not cached: {}", options.name(), e.toString());
      return;
    }
    promptCache.put(prompt, copy);
  }

  /** Starts a new generation (KV cache allocated, no prefill yet); it joins the batch if active. */
  private Generation join(Pending p) {
    Generation g = p.generation();
    g.start(decoder, p.listener(), promptCache); // start() reports its own failures
    if (g.isActive()) {
      active.add(g);
    }
    publishMetrics();
    return g;
  }

  /** Aborted generations leave the batch, and the queue too (freeing their admission slots). */
  private void dropAborted() {
    dropAbortedQueued();
    for (Iterator<Generation> it = active.iterator(); it.hasNext(); ) {
      Generation g = it.next();
      if (g.abortRequested()) {
        g.finishAborted();
        it.remove();
      }
    }
    publishMetrics();
  }

  /** One decode call for every sequence past its prompt. */
  private void decodeStep() {
    List<Generation> decoding = new ArrayList<>();
    for (Generation g : active) {
      if (g.isDecoding()) {
        decoding.add(g);
      }
    }
    int b = decoding.size();
    List<SequenceState> states = new ArrayList<>(b);
    int[] tokens = new int[b];
    for (int i = 0; i < b; i++) {
      states.add(decoding.get(i).state());
      tokens[i] = decoding.get(i).nextInput();
    }
    float[][] logits;
    try {
      logits = decoder.decode(states, tokens); // (B, V)
    } catch (RuntimeException e) {
      LOG.error("{}: decode step failed for {} sequences", options.name(), b, e);
      for (Generation g : decoding) {
        g.fail(e);
      }
      active.removeIf(g -> !g.isActive());
      publishMetrics();
      return;
    }
    lastBatchSize = b;
    steps++;
    for (int i = 0; i < b; i++) {
      Generation g = decoding.get(i);
      try {
        g.step(logits[i]);
      } catch (RuntimeException e) {
        LOG.error("{}: sampling failed for {}", options.name(), g.id(), e);
        g.fail(e);
      }
    }
    active.removeIf(g -> !g.isActive());
    publishMetrics();
  }

  private void abortEverything() {
    for (Generation g : active) {
      g.finishAborted();
    }
    active.clear();
    abortQueued();
  }

  private void runOneTask() {
    FutureTask<?> task = tasks.poll();
    if (task != null) {
      task.run(); // its exception goes to whoever waits on it
    }
  }

  private void cancelTasks() {
    for (FutureTask<?> t; (t = tasks.poll()) != null; ) {
      t.cancel(false);
    }
  }

  private void abortQueued() {
    cancelTasks();
    for (Pending p; (p = queue.poll()) != null; ) {
      p.generation().abort();
      p.generation().start(decoder, p.listener()); // completes at once as aborted, no prefill
    }
  }

  private void failEverything(Throwable t) {
    accepting = false;
    cancelTasks();
    for (Generation g : active) {
      g.fail(t);
    }
    active.clear();
    for (Pending p; (p = queue.poll()) != null; ) {
      p.generation().fail(t);
    }
  }

  private void publishMetrics() {
    long bytes = 0;
    for (Generation g : active) {
      if (g.state() != null) {
        bytes += g.state().cacheBytes();
      }
    }
    kvCacheBytes = bytes;
    activeCount = active.size();
  }
}
