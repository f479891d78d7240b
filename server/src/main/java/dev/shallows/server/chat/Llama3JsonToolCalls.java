package dev.shallows.server.chat;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Tool calls as Llama 3.1-3.3 write them with their JSON tool-calling prompt: the whole reply is
 * {@code {"name": "f", "parameters": {...}}} (or {@code "arguments"}), optionally after {@code
 * <|python_tag|>}, several separated by {@code ;}. As vLLM's {@code llama3_json} parser: a reply
 * that does not start with one of those is text, and so is one that is not only calls.
 */
final class Llama3JsonToolCalls implements ToolCallParser {

  static final String NAME = "llama3_json";
  private static final String PYTHON_TAG = "<|python_tag|>";
  private static final ObjectMapper JSON = new ObjectMapper();

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public Parsed parse(String text) {
    int at = skipSpace(text, 0);
    if (text.startsWith(PYTHON_TAG, at)) {
      at = skipSpace(text, at + PYTHON_TAG.length());
    }
    if (!text.startsWith("{", at)) {
      return null;
    }
    List<Call> calls = new ArrayList<>();
    while (true) {
      int[] end = new int[1];
      Call c = call(text, at, end);
      if (c == null) {
        return null;
      }
      calls.add(c);
      at = skipSpace(text, end[0]);
      if (at == text.length()) {
        return new Parsed(0, calls);
      }
      if (text.charAt(at) != ';') {
        return null;
      }
      at = skipSpace(text, at + 1);
    }
  }

  /** The call object starting at {@code from}; {@code end[0]} gets the index after it. */
  private static Call call(String text, int from, int[] end) {
    try (JsonParser p = JSON.getFactory().createParser(text.substring(from))) {
      JsonNode n = p.readValueAsTree();
      end[0] = from + (int) p.currentLocation().getCharOffset();
      return Call.of(n, "parameters", "arguments");
    } catch (IOException e) {
      return null;
    }
  }

  private static int skipSpace(String s, int i) {
    while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
      i++;
    }
    return i;
  }

  @Override
  public int contentPrefix(String textSoFar) {
    int at = skipSpace(textSoFar, 0);
    if (at == textSoFar.length()) {
      return 0; // only whitespace yet
    }
    String rest = textSoFar.substring(at);
    boolean mayBeCall =
        rest.startsWith("{") || rest.startsWith(PYTHON_TAG) || PYTHON_TAG.startsWith(rest);
    return mayBeCall ? 0 : textSoFar.length();
  }
}
