package dev.shallows.server.openai;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * One chat message; {@code content} is a string or an array of {@code {type:"text",text}} parts.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ChatMessage extends LenientRequest {

  @Schema(description = "system, developer, user, assistant or tool", required = true)
  public String role;

  @Schema(
      description = "A string, or an array of text parts",
      oneOf = {String.class, Object[].class})
  public JsonNode content;

  public String name;

  @JsonProperty("tool_calls")
  @Schema(description = "An assistant message's earlier tool calls (rendered as JSON text)")
  public JsonNode toolCalls;

  @JsonProperty("tool_call_id")
  @Schema(description = "A tool message's call id")
  public String toolCallId;

  public ChatMessage() {}

  public ChatMessage(String role, JsonNode content) {
    this.role = role;
    this.content = content;
  }
}
