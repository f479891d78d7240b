package dev.shallows.engine.generate;

import java.util.List;

/**
 * The outcome of one generation.
 *
 * @param id the generation's id
 * @param promptTokens number of prompt tokens (OpenAI {@code usage.prompt_tokens})
 * @param cachedPromptTokens of those, how many came from the prompt cache instead of a prefill
 *     (OpenAI {@code usage.prompt_tokens_details.cached_tokens})
 * @param tokens every generated token, in order, with its text piece and logprobs
 * @param text the completion text: the pieces joined (no stop string, no EOS text)
 * @param finishReason why it ended
 * @param promptLogprobs one entry per prompt token if requested, else empty
 */
public record GenerationResult(
    String id,
    int promptTokens,
    int cachedPromptTokens,
    List<TokenEvent> tokens,
    String text,
    FinishReason finishReason,
    List<PromptLogprob> promptLogprobs) {

  public GenerationResult {
    tokens = List.copyOf(tokens);
    promptLogprobs = List.copyOf(promptLogprobs);
  }

  /** Generated tokens (OpenAI {@code usage.completion_tokens}), including a final EOS. */
  public int completionTokens() {
    return tokens.size();
  }

  /** The generated token ids in order. */
  public int[] tokenIds() {
    return tokens.stream().mapToInt(TokenEvent::tokenId).toArray();
  }
}
