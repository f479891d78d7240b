package dev.shallows.server.openai;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** {@code POST /tokenize} body (vLLM's shape): a text prompt or chat messages. */
@Schema(name = "TokenizeRequest")
public class TokenizeRequest extends LenientRequest {

  @Schema(required = true)
  public String model;

  @Schema(description = "Text to tokenize (give this or messages)")
  public String prompt;

  @Schema(description = "Chat messages, rendered with the model's chat template first")
  public List<ChatMessage> messages;

  @Schema(description = "With messages: the tools the chat template renders (as chat completions)")
  public com.fasterxml.jackson.databind.JsonNode tools;

  @JsonProperty("add_special_tokens")
  @Schema(
      description = "Prompts only: add BOS as the tokenizer does for completions (default true)")
  public Boolean addSpecialTokens;
}
