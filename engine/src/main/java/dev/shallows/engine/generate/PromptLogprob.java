package dev.shallows.engine.generate;

import java.util.List;

/**
 * The log-probability of one prompt token given the tokens before it (OpenAI {@code echo} with
 * {@code logprobs}). The first prompt token has no context: its logprob is NaN (null on the wire)
 * and its top list is empty.
 *
 * @param tokenId the prompt token
 * @param logprob log P(token | previous prompt tokens) under the raw model distribution
 * @param topLogprobs the {@code logprobs} most likely tokens at this position, best first
 */
public record PromptLogprob(int tokenId, double logprob, List<TopLogprob> topLogprobs) {

  public PromptLogprob {
    topLogprobs = List.copyOf(topLogprobs);
  }
}
