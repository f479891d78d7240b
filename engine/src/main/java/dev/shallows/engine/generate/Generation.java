package dev.shallows.engine.generate;

import dev.shallows.engine.Decoder;
import dev.shallows.engine.SequenceState;
import dev.shallows.engine.generate.json.JsonObjectConstraint;
import dev.shallows.store.LlamaConfig;
import dev.shallows.store.StreamDecoder;
import dev.shallows.store.TextTokenizer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One sequence being generated: prompt tokens in, a stream of {@link TokenEvent}s out. A state
 * machine driven by one thread at a time: {@link ContinuousBatcher} (batched with others) or {@link
 * #run} (alone, on the caller's thread). Per step it applies the sampling parameters, releases text
 * that never splits a character nor shows a stop string, and checks the stops: EOS and stop token
 * ids, stop strings, {@code max_tokens}, the context length. {@link #abort()} may be called from
 * any thread; it takes effect before the next step.
 *
 * <p>Lifecycle: created -> started (KV cache allocated, or taken from the prompt cache) ->
 * prefilling (the prompt in one or more chunks; the last one samples the first token) -> stepped
 * once per decode -> completed (stop, length or abort; the cache is freed or kept by the prompt
 * cache) or failed.
 */
public final class Generation {

  private static final Logger LOG = LoggerFactory.getLogger(Generation.class);
  private static final AtomicLong NEXT_ID = new AtomicLong();

  private final String id;
  private final int[] prompt;
  private final SamplingParams params;
  private final TextTokenizer tokenizer;
  private final CompletableFuture<GenerationResult> result = new CompletableFuture<>();
  private volatile boolean abortRequested;

  // Owned by the driving thread.
  private GenerationListener listener = GenerationListener.NONE;
  private SequenceState state;
  private Sampler sampler;
  private TokenCounts counts;
  private StreamDecoder text;
  private StopStrings stops;
  private OutputConstraint constraint; // JSON mode, a JSON schema, or a guided regex / choice
  private final Set<Integer> stopIds = new HashSet<>();
  private final List<TokenEvent> events = new ArrayList<>();
  private final StringBuilder output = new StringBuilder();
  private List<PromptLogprob> promptLogprobs = List.of();
  private PromptCache cache;
  private int cachedPromptTokens;
  private int prefilled; // prompt tokens in the KV cache so far
  private float[][] promptRows; // all-position logits gathered over the prefill chunks (T, V)
  private float[]
      promptLastLogits; // (V) after the whole prompt, for same-prompt siblings; then null
  private int nextInput = -1;
  private boolean started;

  /**
   * A generation of {@code promptTokens} (already encoded, BOS included if the model wants one).
   *
   * @param tokenizer the model's tokenizer: streams the completion's text, continuing the prompt
   * @throws BadParameterException ("prompt") if the prompt is empty
   */
  public Generation(int[] promptTokens, SamplingParams params, TextTokenizer tokenizer) {
    if (promptTokens.length == 0) {
      throw new BadParameterException("prompt", "must contain at least one token");
    }
    this.id = "gen-" + NEXT_ID.incrementAndGet();
    this.prompt = promptTokens.clone();
    this.params = params;
    this.tokenizer = tokenizer;
  }

  /** A process-unique id ({@code gen-N}). */
  public String id() {
    return id;
  }

  /** The prompt token ids (a copy). */
  public int[] promptTokens() {
    return prompt.clone();
  }

  /** Number of prompt tokens. */
  public int promptLength() {
    return prompt.length;
  }

  public SamplingParams params() {
    return params;
  }

  /** Asks the driver to stop this generation before its next step (finish reason ABORT). */
  public void abort() {
    abortRequested = true;
  }

  public boolean abortRequested() {
    return abortRequested;
  }

  /** Completes with the result (also when aborted), or exceptionally if the decoder failed. */
  public CompletableFuture<GenerationResult> result() {
    return result;
  }

  public boolean isDone() {
    return result.isDone();
  }

  /**
   * Checks this generation against a model: the prompt must fit the context and every prompt token
   * must be in the vocabulary. Called by {@link ContinuousBatcher#submit} before queuing.
   *
   * @throws BadParameterException ("prompt") otherwise
   */
  public void validateFor(LlamaConfig config) {
    if (prompt.length > config.maxPositionEmbeddings()) {
      throw new BadParameterException(
          "prompt",
          "prompt has "
              + prompt.length
              + " tokens but the model's context is "
              + config.maxPositionEmbeddings());
    }
    for (int t : params.logitBias().keySet()) {
      if (t >= config.vocabSize()) {
        throw new BadParameterException(
            "logit_bias",
            "token id " + t + " is outside the vocabulary [0, " + config.vocabSize() + ")");
      }
    }
    for (int t : params.allowedTokenIds()) {
      if (t >= config.vocabSize()) {
        throw new BadParameterException(
            "allowed_token_ids",
            "token id " + t + " is outside the vocabulary [0, " + config.vocabSize() + ")");
      }
    }
    for (int t : prompt) {
      if (t < 0 || t >= config.vocabSize()) {
        throw new BadParameterException(
            "prompt",
            "token id " + t + " is outside the vocabulary [0, " + config.vocabSize() + ")");
      }
    }
  }

  /**
   * Runs this generation alone on {@code decoder}, on the calling thread, and returns its result.
   */
  public GenerationResult run(Decoder decoder, GenerationListener listener) {
    start(decoder, listener);
    prefill(decoder, Integer.MAX_VALUE);
    try {
      while (isActive()) {
        if (abortRequested) {
          finishAborted();
          break;
        }
        float[][] logits = decoder.decode(List.of(state), new int[] {nextInput}); // (1, V)
        step(logits[0]);
      }
    } catch (RuntimeException e) {
      fail(e);
    }
    return result.join();
  }

  // ---- driving (package-private: the batcher and run) ------------------------------------

  /**
   * Validates against the model and allocates the KV cache; the prompt is then prefilled by {@link
   * #prefill} (or by the batcher, chunk by chunk), whose last pass samples the first token.
   */
  void start(Decoder decoder, GenerationListener l) {
    start(decoder, l, null);
  }

  /**
   * As {@link #start(Decoder, GenerationListener)}, taking the KV cache from {@code promptCache}
   * when a cached sequence shares a prefix with the prompt (not with prompt logprobs, which need
   * every prompt position), and leaving it there when the generation completes.
   */
  void start(Decoder decoder, GenerationListener l, PromptCache promptCache) {
    if (started) {
      throw new IllegalStateException(id + " already started");
    }
    started = true;
    listener = l == null ? GenerationListener.NONE : l;
    cache = promptCache;
    try {
      LlamaConfig config = decoder.config();
      validateFor(config);
      if (abortRequested) {
        finishAborted();
        return;
      }
      if (!params.ignoreEos()) {
        stopIds.addAll(config.eosTokenIds());
      }
      stopIds.addAll(params.stopTokenIds());
      counts = new TokenCounts(prompt);
      sampler = new Sampler(params, counts);
      text = tokenizer.streamDecoder(prompt);
      stops = new StopStrings(params.stop(), params.includeStopStrInOutput());
      constraint =
          params.jsonSchema() != null
              ? params.jsonSchema().constraint(tokenizer.pieces())
              : params.textPattern() != null
                  ? params.textPattern().constraint(tokenizer.pieces(), stopIds)
                  : params.jsonObject() ? new JsonObjectConstraint(tokenizer.pieces()) : null;
      if (constraint != null && params.constrainAfter() != null) {
        constraint =
            new ConstrainedAfterTag(
                params.constrainAfter(), tokenizer.pieces(), stopIds, constraint);
      }
      if (params.maxTokens() == 0 && !params.promptLogprobs()) {
        complete(FinishReason.LENGTH);
        return;
      }
      // the last sampled token is never fed, so the cache needs prompt + maxTokens - 1 positions
      int capacity =
          Math.min(
              Math.max(prompt.length, prompt.length + params.maxTokens() - 1),
              config.maxPositionEmbeddings());
      PromptCache.Hit hit =
          cache != null && !params.promptLogprobs() ? cache.take(prompt, capacity) : null;
      state = hit != null ? hit.state() : decoder.newSequence(capacity);
      cachedPromptTokens = hit != null ? hit.reused() : 0;
      prefilled = cachedPromptTokens;
      promptRows = params.promptLogprobs() ? new float[prompt.length][] : null;
    } catch (RuntimeException e) {
      fail(e);
    }
  }

  /**
   * Prefills up to {@code budget} (>= 1) more prompt tokens in one pass; the pass that completes
   * the prompt also samples the first token. Returns the tokens prefilled (0 if none were due).
   */
  int prefill(Decoder decoder, int budget) {
    int[] chunk = nextChunk(budget);
    if (chunk.length == 0) {
      return 0;
    }
    try {
      prefilled(decoder.prefill(state, chunk, params.promptLogprobs()), chunk.length);
    } catch (RuntimeException e) {
      fail(e);
    }
    return chunk.length;
  }

  /** The next up to {@code budget} prompt tokens to prefill (none unless prefilling). */
  int[] nextChunk(int budget) {
    if (!isPrefilling()) {
      return new int[0];
    }
    int n = Math.min(budget, prompt.length - prefilled);
    return Arrays.copyOfRange(prompt, prefilled, prefilled + n);
  }

  /** Whether the prefill of this generation's chunks returns logits for every position. */
  boolean wantsAllPositions() {
    return params.promptLogprobs();
  }

  /**
   * Takes the logits of a prefilled chunk of {@code n} tokens ((n, V) or (1, V)); after the last
   * chunk, samples the first token.
   */
  void prefilled(float[][] logits, int n) {
    try {
      if (promptRows != null) {
        System.arraycopy(logits, 0, promptRows, prefilled, n);
      }
      prefilled += n;
      if (prefilled == prompt.length) {
        float[] last = logits[logits.length - 1];
        promptLastLogits = last.clone(); // step() overwrites last
        finishPrefill(last);
      }
    } catch (RuntimeException e) {
      fail(e);
    }
  }

  /**
   * True if this generation may take its prompt's KV from {@code donor} instead of prefilling: the
   * same prompt, nothing prefilled yet, no prompt logprobs.
   */
  boolean canSharePromptOf(Generation donor) {
    return isPrefilling()
        && prefilled == 0
        && promptRows == null
        && donor.promptRows == null
        && Arrays.equals(prompt, donor.prompt);
  }

  /** True while this generation's KV holds exactly its prompt and its prompt logits are kept. */
  boolean canDonatePrompt() {
    return isDecoding() && promptLastLogits != null && state.length() == prompt.length;
  }

  /**
   * Copies the prompt's KV from {@code donor}, which has just prefilled the same prompt, and
   * samples the first token (with this generation's own sampler) from the donor's prompt logits:
   * the {@code n} choices of one request prefill their prompt once.
   */
  void sharePromptOf(Generation donor) {
    try {
      donor.state.copyTo(state, prompt.length);
      prefilled = prompt.length;
      finishPrefill(donor.promptLastLogits.clone());
    } catch (RuntimeException e) {
      fail(e);
    }
  }

  /** After the whole prompt: prompt logprobs if asked, then the first token from {@code last}. */
  private void finishPrefill(float[] last) {
    if (promptRows != null) {
      promptLogprobs = promptLogprobs(promptRows);
      promptRows = null;
      notify(() -> listener.onPromptLogprobs(promptLogprobs));
    }
    if (params.maxTokens() == 0) {
      complete(FinishReason.LENGTH);
      return;
    }
    step(last);
  }

  /** True while started and not finished: the sequence holds a place in the batch. */
  boolean isActive() {
    return started && !result.isDone();
  }

  /** True while active with prompt tokens still to prefill. */
  boolean isPrefilling() {
    return isActive() && state != null && prefilled < prompt.length;
  }

  /** True while active and past its prompt: the next decode step should include it. */
  boolean isDecoding() {
    return isActive() && state != null && prefilled == prompt.length;
  }

  /** The sequence's KV cache state (valid while active). */
  SequenceState state() {
    return state;
  }

  /** The token to feed at the next decode step (the last one sampled). */
  int nextInput() {
    return nextInput;
  }

  /** Consumes one row of logits (V): samples, emits the token event, checks the stops. */
  void step(float[] logits) {
    if (!events.isEmpty()) {
      promptLastLogits = null; // siblings share it in the step that prefilled the prompt only
    }
    double[] logprobRow = params.logprobs() != null ? Sampler.logSoftmax(logits) : null;
    if (events.size() < params.minTokens()) {
      for (int id : stopIds) {
        if (id < logits.length) {
          logits[id] = Float.NEGATIVE_INFINITY; // min_tokens: no end yet
        }
      }
    }
    if (constraint != null && constraint.mask(logits) == 0) {
      throw new IllegalStateException(
          "no token of the vocabulary continues the constrained output");
    }
    int token = sampler.sample(logits); // overwrites logits
    if (constraint != null) {
      constraint.accept(token);
    }
    counts.addOutput(token);
    int index = events.size();
    FinishReason finish = null;
    String piece;
    if (stopIds.contains(token)) {
      finish = FinishReason.STOP; // the stop token's own text is not returned
      piece = stops.push(text.flush());
      if (!stops.stopped()) {
        piece += stops.flush();
      }
    } else {
      piece = stops.push(text.push(token));
      boolean objectClosed = constraint != null && constraint.isComplete();
      if (stops.stopped()) {
        finish = FinishReason.STOP;
      } else if (objectClosed
          || index + 1 >= params.maxTokens()
          || state.length() >= state.capacity()) {
        finish = objectClosed ? FinishReason.STOP : FinishReason.LENGTH;
        piece += stops.push(text.flush());
        if (stops.stopped()) {
          finish = FinishReason.STOP;
        } else {
          piece += stops.flush();
        }
      }
    }
    double logprob = logprobRow != null ? logprobRow[token] : Double.NaN;
    List<TopLogprob> top =
        logprobRow != null && params.logprobs() > 0
            ? Sampler.topLogprobs(logprobRow, params.logprobs())
            : List.of();
    TokenEvent event = new TokenEvent(index, token, piece, logprob, top, finish);
    events.add(event);
    output.append(piece);
    nextInput = token;
    notify(() -> listener.onToken(event));
    if (finish != null) {
      complete(finish);
    }
  }

  /** Ends the generation as aborted, keeping what was produced so far. */
  void finishAborted() {
    complete(FinishReason.ABORT);
  }

  /** Ends the generation with an error. */
  void fail(Throwable error) {
    if (result.isDone()) {
      return;
    }
    started = true;
    closeState(false);
    notify(() -> listener.onError(error));
    result.completeExceptionally(error);
  }

  private void complete(FinishReason reason) {
    if (result.isDone()) {
      return;
    }
    closeState(true);
    GenerationResult r =
        new GenerationResult(
            id,
            prompt.length,
            cachedPromptTokens,
            events,
            output.toString(),
            reason,
            promptLogprobs);
    notify(() -> listener.onComplete(r));
    result.complete(r);
  }

  /** Frees the KV cache, or hands it to the prompt cache if it is consistent ({@code reusable}). */
  private void closeState(boolean reusable) {
    if (state == null) {
      return;
    }
    if (cache == null || !reusable) {
      state.close();
      return;
    }
    // the cache holds the prompt (or its prefilled part) and every sampled token fed back so far
    // (not the last one)
    int n = state.length();
    int[] tokens = Arrays.copyOf(prompt, n);
    for (int i = prompt.length; i < n; i++) {
      tokens[i] = events.get(i - prompt.length).tokenId();
    }
    cache.put(tokens, state);
  }

  /** Row t of the all-positions prefill predicts prompt token t + 1. */
  private List<PromptLogprob> promptLogprobs(float[][] logits) {
    int n = params.logprobs() != null ? params.logprobs() : 0;
    List<PromptLogprob> out = new ArrayList<>(prompt.length);
    out.add(new PromptLogprob(prompt[0], Double.NaN, List.of()));
    for (int t = 1; t < prompt.length; t++) {
      double[] row = Sampler.logSoftmax(logits[t - 1]);
      out.add(
          new PromptLogprob(
              prompt[t], row[prompt[t]], n > 0 ? Sampler.topLogprobs(row, n) : List.of()));
    }
    return out;
  }

  /** Calls a listener; if it throws, the consumer is gone: abort before the next step. */
  private void notify(Runnable call) {
    try {
      call.run();
    } catch (RuntimeException e) {
      LOG.warn("{}: listener failed, aborting: {}", id, e.toString());
      abortRequested = true;
    }
  }
}
