package dev.shallows.server.openai;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * Token counts of a request; {@code prompt_tokens_details.cached_tokens} counts the prompt tokens
 * whose KV came from the prompt cache instead of a prefill.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Usage(
    @JsonProperty("prompt_tokens") int promptTokens,
    @JsonProperty("completion_tokens") int completionTokens,
    @JsonProperty("total_tokens") int totalTokens,
    @JsonProperty("prompt_tokens_details") PromptTokensDetails promptTokensDetails) {

  /** OpenAI's breakdown of the prompt tokens. */
  public record PromptTokensDetails(@JsonProperty("cached_tokens") int cachedTokens) {}

  public static Usage of(int prompt, int cached, int completion) {
    return new Usage(prompt, completion, prompt + completion, new PromptTokensDetails(cached));
  }
}
