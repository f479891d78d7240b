package dev.shallows.engine.generate;

import java.util.List;

/**
 * Receives a generation's progress, on the thread that drives it (the batcher's thread: return
 * quickly, hand work off). Exactly one of {@link #onComplete} and {@link #onError} ends it. An
 * exception thrown from a callback aborts the generation (the consumer is taken to be gone).
 */
public interface GenerationListener {

  /** A listener that ignores everything (use {@link Generation#result()} instead). */
  GenerationListener NONE = new GenerationListener() {};

  /** The prompt tokens' logprobs, once, before any token (only if requested). */
  default void onPromptLogprobs(List<PromptLogprob> promptLogprobs) {}

  /** One generated token; the last one has {@link TokenEvent#finishReason()} set. */
  default void onToken(TokenEvent event) {}

  /** The generation ended: finished (stop / length) or aborted. */
  default void onComplete(GenerationResult result) {}

  /** The generation failed (a decoder error); no further calls follow. */
  default void onError(Throwable error) {}
}
