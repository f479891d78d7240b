package dev.shallows.server.chat;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Tool calls in Hermes' format, which Qwen2.5, Qwen3 and the Hermes models use: {@code
 * <tool_call>\n{"name": "f", "arguments": {...}}\n</tool_call>}, one tag per call, after optional
 * text. As vLLM's {@code hermes} parser: the text before the first tag is the content, a last tag
 * left open (the reply ended) still counts, and one unreadable call makes the whole reply text.
 */
final class HermesToolCalls implements ToolCallParser {

  static final String NAME = "hermes";
  private static final String OPEN = "<tool_call>";
  private static final String CLOSE = "</tool_call>";
  private static final ObjectMapper JSON =
      new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public Parsed parse(String text) {
    int first = text.indexOf(OPEN);
    if (first < 0) {
      return null;
    }
    List<Call> calls = new ArrayList<>();
    int at = first;
    while (at >= 0) {
      int body = at + OPEN.length();
      int close = text.indexOf(CLOSE, body);
      Call c = call(text.substring(body, close < 0 ? text.length() : close));
      if (c == null) {
        return null;
      }
      calls.add(c);
      at = close < 0 ? -1 : text.indexOf(OPEN, close + CLOSE.length());
    }
    return new Parsed(first, calls);
  }

  /** {"name": string, "arguments" (or "parameters"): object}, or null. */
  private static Call call(String json) {
    try {
      return Call.of(JSON.readTree(json), "arguments", "parameters");
    } catch (IOException e) {
      return null;
    }
  }

  @Override
  public int contentPrefix(String textSoFar) {
    int tag = textSoFar.indexOf(OPEN);
    if (tag >= 0) {
      return tag;
    }
    // hold back an ending that may still grow into the tag
    return textSoFar.length() - PartialTag.at(textSoFar, OPEN);
  }
}
