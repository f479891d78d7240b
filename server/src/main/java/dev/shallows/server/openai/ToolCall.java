package dev.shallows.server.openai;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * One tool call of an assistant message: {@code {"id","type":"function","function":{"name",
 * "arguments"}}}, the arguments a JSON text; in stream chunks also its {@code index}.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ToolCall(Integer index, String id, String type, Function function) {

  /** The function called and its arguments as JSON text. */
  public record Function(String name, String arguments) {}
}
