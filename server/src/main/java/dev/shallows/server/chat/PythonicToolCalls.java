package dev.shallows.server.chat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;

/**
 * Tool calls as Python call expressions in a list, the format Llama 3.2's and Llama 4's pythonic
 * tool prompts teach (vLLM's {@code pythonic} parser): the whole reply is {@code [get_weather(
 * city="Oslo", days=3), now()]}, optionally between Llama 4's {@code <|python_start|>} and {@code
 * <|python_end|>}. Arguments are keywords with literal values: strings (single or double quotes,
 * Python's escapes), integers and floats, {@code True}/{@code False}/{@code None}, lists, tuples
 * and dicts with string keys; they become the call's JSON arguments. A reply that is not only such
 * a list is text.
 */
final class PythonicToolCalls implements ToolCallParser {

  static final String NAME = "pythonic";
  private static final String START = "<|python_start|>";
  private static final String END = "<|python_end|>";
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public Parsed parse(String text) {
    String t = text.strip();
    if (t.startsWith(START)) {
      t = t.substring(START.length());
      if (t.endsWith(END)) {
        t = t.substring(0, t.length() - END.length());
      }
    }
    Reader r = new Reader(t.strip());
    try {
      List<Call> calls = r.callList();
      return r.atEnd() && !calls.isEmpty() ? new Parsed(0, calls) : null;
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  @Override
  public int contentPrefix(String textSoFar) {
    String rest = textSoFar.stripLeading();
    if (rest.isEmpty()) {
      return 0; // only whitespace yet
    }
    boolean mayBeCall = rest.startsWith("[") || rest.startsWith(START) || START.startsWith(rest);
    return mayBeCall ? 0 : textSoFar.length();
  }

  /** A recursive-descent reader of the call list; malformed input throws. */
  private static final class Reader {
    private final String s;
    private int at;

    Reader(String s) {
      this.s = s;
    }

    boolean atEnd() {
      space();
      return at == s.length();
    }

    List<Call> callList() {
      expect('[');
      List<Call> calls = new ArrayList<>();
      while (!peek(']')) {
        calls.add(call());
        if (!peek(']')) {
          expect(',');
        }
      }
      expect(']');
      return calls;
    }

    private Call call() {
      String name = identifier();
      expect('(');
      ObjectNode args = NODES.objectNode();
      while (!peek(')')) {
        String key = identifier();
        expect('=');
        if (args.has(key)) {
          throw new IllegalArgumentException("argument " + key + " twice");
        }
        args.set(key, value());
        if (!peek(')')) {
          expect(',');
        }
      }
      expect(')');
      return new Call(name, args);
    }

    private JsonNode value() {
      space();
      if (at >= s.length()) {
        throw new IllegalArgumentException("a value is missing");
      }
      char c = s.charAt(at);
      if (c == '"' || c == '\'') {
        return NODES.textNode(string());
      }
      if (c == '[' || c == '(') {
        char close = c == '[' ? ']' : ')';
        at++;
        ArrayNode a = NODES.arrayNode();
        while (!peek(close)) {
          a.add(value());
          if (!peek(close)) {
            expect(',');
          }
        }
        expect(close);
        return a;
      }
      if (c == '{') {
        at++;
        ObjectNode o = NODES.objectNode();
        while (!peek('}')) {
          space();
          if (at >= s.length() || (s.charAt(at) != '"' && s.charAt(at) != '\'')) {
            throw new IllegalArgumentException("dict keys must be strings");
          }
          String key = string();
          expect(':');
          o.set(key, value());
          if (!peek('}')) {
            expect(',');
          }
        }
        expect('}');
        return o;
      }
      if (c == '-' || c == '+' || c == '.' || Character.isDigit(c)) {
        return number();
      }
      String word = identifier();
      return switch (word) {
        case "True" -> NODES.booleanNode(true);
        case "False" -> NODES.booleanNode(false);
        case "None" -> NODES.nullNode();
        default -> throw new IllegalArgumentException("not a literal: " + word);
      };
    }

    private JsonNode number() {
      int from = at;
      if (s.charAt(at) == '-' || s.charAt(at) == '+') {
        at++;
      }
      while (at < s.length()) {
        char c = s.charAt(at);
        char before = s.charAt(at - 1);
        boolean exponentSign = (c == '-' || c == '+') && (before == 'e' || before == 'E');
        if (!exponentSign && "0123456789._eE".indexOf(c) < 0) {
          break;
        }
        at++;
      }
      String n = s.substring(from, at).replace("_", "");
      try {
        if (n.matches("[-+]?\\d+")) {
          return NODES.numberNode(new BigInteger(n));
        }
        double d = Double.parseDouble(n); // a Python float is a double
        if (Double.isInfinite(d)) {
          throw new IllegalArgumentException("out of range: " + n);
        }
        return NODES.numberNode(d);
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("not a number: " + n);
      }
    }

    /** A quoted string with Python's escapes (no prefixes, no triple quotes). */
    private String string() {
      char quote = s.charAt(at++);
      StringBuilder b = new StringBuilder();
      while (true) {
        if (at >= s.length()) {
          throw new IllegalArgumentException("an unterminated string");
        }
        char c = s.charAt(at++);
        if (c == quote) {
          return b.toString();
        }
        if (c == '\n') {
          throw new IllegalArgumentException("a line break in a string");
        }
        if (c != '\\') {
          b.append(c);
          continue;
        }
        if (at >= s.length()) {
          throw new IllegalArgumentException("an unterminated string");
        }
        char e = s.charAt(at++);
        switch (e) {
          case 'n' -> b.append('\n');
          case 't' -> b.append('\t');
          case 'r' -> b.append('\r');
          case '0' -> b.append('\0');
          case 'x' -> b.append((char) hex(2));
          case 'u' -> b.append((char) hex(4));
          case 'U' -> b.appendCodePoint(hex(8));
          case '\\', '\'', '"' -> b.append(e);
          default -> b.append('\\').append(e); // Python keeps unknown escapes
        }
      }
    }

    private int hex(int digits) {
      if (at + digits > s.length()) {
        throw new IllegalArgumentException("a short escape");
      }
      int v = Integer.parseUnsignedInt(s.substring(at, at + digits), 16);
      at += digits;
      return v;
    }

    private String identifier() {
      space();
      int from = at;
      while (at < s.length()
          && (Character.isLetterOrDigit(s.charAt(at)) || s.charAt(at) == '_')
          && !(at == from && Character.isDigit(s.charAt(at)))) {
        at++;
      }
      if (at == from) {
        throw new IllegalArgumentException("a name is missing at " + from);
      }
      return s.substring(from, at);
    }

    /** Whether the next non-space character is c (not consumed). */
    private boolean peek(char c) {
      space();
      if (at >= s.length()) {
        throw new IllegalArgumentException("the reply ends early");
      }
      return s.charAt(at) == c;
    }

    private void expect(char c) {
      if (!peek(c)) {
        throw new IllegalArgumentException("'" + c + "' expected at " + at);
      }
      at++;
    }

    private void space() {
      while (at < s.length() && Character.isWhitespace(s.charAt(at))) {
        at++;
      }
    }
  }
}
