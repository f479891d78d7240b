package dev.shallows.server;

import io.restassured.path.json.JsonPath;
import java.util.ArrayList;
import java.util.List;

/** Splits an SSE body into its {@code data:} payloads. */
final class Sse {

  private Sse() {}

  static List<String> data(String body) {
    List<String> out = new ArrayList<>();
    for (String event : body.split("\n\n")) {
      for (String line : event.split("\n")) {
        if (line.startsWith("data: ")) {
          out.add(line.substring(6));
        }
      }
    }
    return out;
  }

  static List<JsonPath> chunks(String body) {
    List<JsonPath> out = new ArrayList<>();
    for (String d : data(body)) {
      if (!d.equals("[DONE]")) {
        out.add(JsonPath.from(d));
      }
    }
    return out;
  }

  /** The strings at {@code path} in every chunk, joined (a streamed reply's text). */
  static String joined(String body, String path) {
    StringBuilder text = new StringBuilder();
    for (JsonPath chunk : chunks(body)) {
      String t = chunk.getString(path);
      text.append(t == null ? "" : t);
    }
    return text.toString();
  }
}
