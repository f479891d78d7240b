package dev.shallows.server.chat;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Tool calls as Mistral's instruct models write them: {@code [TOOL_CALLS] [{"name": "f",
 * "arguments": {...}}, ...]}, one JSON array of calls after the marker, the text before it the
 * content. The marker is a control token that a detokenizer may leave out, so a reply that is only
 * such an array counts as calls too (vLLM's {@code mistral} parser keeps the token instead).
 */
final class MistralToolCalls implements ToolCallParser {

  static final String NAME = "mistral";
  static final String MARKER = "[TOOL_CALLS]";
  private static final ObjectMapper JSON =
      new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public Parsed parse(String text) {
    int marker = text.indexOf(MARKER);
    int contentEnd = marker >= 0 ? marker : 0;
    String array = marker >= 0 ? text.substring(marker + MARKER.length()) : text;
    if (marker < 0 && !array.strip().startsWith("[")) {
      return null;
    }
    List<Call> calls = new ArrayList<>();
    try {
      JsonNode n = JSON.readTree(array.strip());
      if (n == null || !n.isArray() || n.isEmpty()) {
        return null;
      }
      for (JsonNode c : n) {
        Call call = Call.of(c, "arguments", "parameters");
        if (call == null) {
          return null;
        }
        calls.add(call);
      }
    } catch (IOException e) {
      return null;
    }
    return new Parsed(contentEnd, calls);
  }

  @Override
  public int contentPrefix(String textSoFar) {
    int marker = textSoFar.indexOf(MARKER);
    if (marker >= 0) {
      return marker;
    }
    String rest = textSoFar.stripLeading();
    if (rest.isEmpty() || rest.startsWith("[")) {
      return 0; // a reply that starts with '[' may be the marker or the calls themselves
    }
    return textSoFar.length() - PartialTag.at(textSoFar, MARKER);
  }
}
