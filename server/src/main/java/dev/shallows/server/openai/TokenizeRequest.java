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

  @JsonProperty("add_generation_prompt")
  @Schema(
      description =
          "Extension (vLLM's): end the prompt with the template's start of an assistant reply"
              + " (default true)")
  public Boolean addGenerationPrompt;

  @JsonProperty("continue_final_message")
  @Schema(
      description =
          "Extension (vLLM's): end the prompt inside the last message, so the reply continues it"
              + " (an assistant prefill); implies add_generation_prompt false")
  public Boolean continueFinalMessage;

  @JsonProperty("chat_template_kwargs")
  @Schema(
      description =
          "Extension (vLLM's): more variables for the chat template, e.g."
              + " {\"enable_thinking\": false}")
  public com.fasterxml.jackson.databind.JsonNode chatTemplateKwargs;
}
