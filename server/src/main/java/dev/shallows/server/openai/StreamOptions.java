package dev.shallows.server.openai;

import com.fasterxml.jackson.annotation.JsonProperty;

/** {@code stream_options}: with {@code include_usage} a last chunk carries the usage. */
public class StreamOptions extends LenientRequest {
  @JsonProperty("include_usage")
  public Boolean includeUsage;
}
