package dev.shallows.server.openai;

import com.fasterxml.jackson.annotation.JsonInclude;
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

  public ChatMessage() {}

  public ChatMessage(String role, JsonNode content) {
    this.role = role;
    this.content = content;
  }
}
