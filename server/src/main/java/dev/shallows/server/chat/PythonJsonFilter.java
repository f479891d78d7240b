package dev.shallows.server.chat;

import com.hubspot.jinjava.interpret.JinjavaInterpreter;
import com.hubspot.jinjava.lib.filter.AdvancedFilter;
import java.util.Map;

/**
 * The {@code tojson} filter as Hugging Face's chat templates have it (Python's {@code json.dumps}
 * with {@code ensure_ascii=False}): {@code ", "} and {@code ": "} between items, or one item per
 * line with {@code indent=N}; non-ASCII characters as they are. Tool definitions then reach the
 * prompt byte for byte as the model saw them in training (Jinjava's own filter writes compact
 * JSON).
 */
final class PythonJsonFilter implements AdvancedFilter {

  @Override
  public String getName() {
    return "tojson";
  }

  @Override
  public Object filter(
      Object var, JinjavaInterpreter interpreter, Object[] args, Map<String, Object> kwargs) {
    Object indent = kwargs.get("indent");
    if (indent == null && args.length > 0) {
      indent = args[0];
    }
    int n = indent == null ? -1 : Integer.parseInt(indent.toString());
    StringBuilder out = new StringBuilder();
    write(var, n, 0, out);
    return out.toString();
  }

  private static void write(Object v, int indent, int level, StringBuilder out) {
    if (v == null) {
      out.append("null");
    } else if (v instanceof String s) {
      string(s, out);
    } else if (v instanceof Boolean || v instanceof Number) {
      out.append(v);
    } else if (v instanceof Map<?, ?> m) {
      container('{', '}', m.entrySet(), indent, level, out);
    } else if (v instanceof Iterable<?> it) {
      container('[', ']', it, indent, level, out);
    } else if (v instanceof Object[] a) {
      container('[', ']', java.util.Arrays.asList(a), indent, level, out);
    } else {
      string(v.toString(), out);
    }
  }

  private static void container(
      char open, char close, Iterable<?> items, int indent, int level, StringBuilder out) {
    out.append(open);
    boolean first = true;
    for (Object item : items) {
      out.append(first ? "" : indent < 0 ? ", " : ",");
      if (indent >= 0) {
        out.append('\n').append(" ".repeat(indent * (level + 1)));
      }
      if (item instanceof Map.Entry<?, ?> e) {
        string(String.valueOf(e.getKey()), out);
        out.append(": ");
        write(e.getValue(), indent, level + 1, out);
      } else {
        write(item, indent, level + 1, out);
      }
      first = false;
    }
    if (indent >= 0 && !first) {
      out.append('\n').append(" ".repeat(indent * level));
    }
    out.append(close);
  }

  private static void string(String s, StringBuilder out) {
    out.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        case '\b' -> out.append("\\b");
        case '\f' -> out.append("\\f");
        default -> {
          if (c < 0x20) {
            out.append(String.format("\\u%04x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    out.append('"');
  }
}
