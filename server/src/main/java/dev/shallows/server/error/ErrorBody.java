package dev.shallows.server.error;

import com.fasterxml.jackson.annotation.JsonInclude;

/** The OpenAI error envelope: {@code {"error":{"message","type","param","code"}}}. */
public record ErrorBody(Detail error) {

  /** The error itself; {@code param} and {@code code} are null when not applicable. */
  @JsonInclude(JsonInclude.Include.ALWAYS)
  public record Detail(String message, String type, String param, String code) {}

  public static ErrorBody of(String message, String type, String param, String code) {
    return new ErrorBody(new Detail(message, type, param, code));
  }
}
