package dev.shallows.server.openai;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/**
 * {@code POST /v1/embeddings} reply (OpenAI's shape) plus the variant that computed it.
 *
 * @param data one entry per input, in order
 */
public record EmbeddingResponse(
    String object, List<Item> data, String model, String variant, Usage usage) {

  /**
   * One input's embedding.
   *
   * @param embedding a float array, or a base64 string of little-endian float32s
   */
  public record Item(String object, int index, Object embedding) {}

  /** Token counts: embeddings have no completion. */
  public record Usage(
      @JsonProperty("prompt_tokens") int promptTokens,
      @JsonProperty("total_tokens") int totalTokens) {}
}
