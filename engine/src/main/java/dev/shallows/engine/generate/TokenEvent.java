package dev.shallows.engine.generate;

import java.util.List;

/**
 * One generated token, as streamed to listeners.
 *
 * @param index 0-based position of this token in the completion
 * @param tokenId the sampled token id
 * @param text the new text this token releases: never splits a UTF-8 character, may be empty (text
 *     held back while it could be the start of a stop string, or an incomplete character), never
 *     contains a stop string; on the last event it also carries any held-back text that turned out
 *     not to be a stop
 * @param logprob log-probability of {@code tokenId} under the model's raw distribution; NaN unless
 *     {@link SamplingParams#logprobs()} is set
 * @param topLogprobs the {@code logprobs} most likely tokens, best first (empty unless requested)
 * @param finishReason null while the generation goes on; set on its last event
 */
public record TokenEvent(
    int index,
    int tokenId,
    String text,
    double logprob,
    List<TopLogprob> topLogprobs,
    FinishReason finishReason) {

  public TokenEvent {
    topLogprobs = List.copyOf(topLogprobs);
  }

  /** True on the last event of a generation. */
  public boolean isLast() {
    return finishReason != null;
  }
}
