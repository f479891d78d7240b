package dev.shallows.server.chat;

import java.util.Locale;

/**
 * Splits a reasoning model's reply into its reasoning and its answer (vLLM's {@code
 * --reasoning-parser}, {@code reasoning_content}): the reasoning is what stands between {@code
 * <think>} and {@code </think>}, the content what follows. DeepSeek-R1's distills (Llama and Qwen2
 * architectures) and Qwen3 write it so; a chat template may open the block itself at the end of the
 * prompt, and then the reply starts inside it. A reply that does not start with the block is all
 * content; one cut inside it is all reasoning.
 */
public final class ThinkTags {

  static final String OPEN = "<think>";

  /** The tag that ends the reasoning. */
  public static final String CLOSE = "</think>";

  /** A reply's parts; null where it has none. */
  public record Split(String reasoning, String content) {}

  /** The parser named in configuration ({@code think}, or its vLLM names), or null for none. */
  public static ThinkTags named(String name) {
    return switch (name.toLowerCase(Locale.ROOT)) {
      case "none" -> null;
      case "think", "deepseek_r1", "qwen3" -> new ThinkTags();
      default ->
          throw new IllegalArgumentException(
              "unknown reasoning parser '" + name + "': use auto, none or think");
    };
  }

  /** {@code auto}: this parser when the chat template writes {@code </think>}, else none. */
  public static ThinkTags detect(ChatTemplate template) {
    return !template.isDefault() && template.source().contains(CLOSE) ? new ThinkTags() : null;
  }

  /** Whether a rendered prompt ends inside an opened block (the reply starts in reasoning). */
  public static boolean opens(String prompt) {
    return prompt.stripTrailing().endsWith(OPEN);
  }

  /** The whole reply split; {@code inside}: the prompt opened the block. */
  public Split split(String text, boolean inside) {
    Stream s = stream(inside);
    Split a = s.feed(text);
    Split b = s.end();
    return new Split(join(a.reasoning(), b.reasoning()), join(a.content(), b.content()));
  }

  private static String join(String a, String b) {
    String s = (a == null ? "" : a) + (b == null ? "" : b);
    return s.isEmpty() ? null : s;
  }

  /** A streamed reply's splitter; {@code inside}: the prompt opened the block. */
  public Stream stream(boolean inside) {
    return new Stream(inside);
  }

  /**
   * Splits a reply as it streams: each {@link #feed} returns the reasoning and content that may go
   * out now, holding back what may still turn into a tag; {@link #end} returns the rest.
   */
  public static final class Stream {
    private enum State {
      START, // before the first non-space: may open a block
      REASONING,
      AFTER, // just closed: spaces before the content are dropped
      CONTENT
    }

    private State state;
    private final StringBuilder held = new StringBuilder();

    private Stream(boolean inside) {
      this.state = inside ? State.REASONING : State.START;
    }

    /** Takes a piece of the reply; returns what may be sent now (nulls where nothing). */
    public Split feed(String delta) {
      held.append(delta);
      StringBuilder reasoning = new StringBuilder();
      StringBuilder content = new StringBuilder();
      boolean more = true;
      while (more) {
        more = false;
        String h = held.toString();
        switch (state) {
          case START -> {
            String rest = h.stripLeading();
            if (rest.startsWith(OPEN)) {
              held.setLength(0);
              held.append(rest.substring(OPEN.length()));
              state = State.REASONING;
              more = true;
            } else if (!rest.isEmpty() && !OPEN.startsWith(rest)) {
              state = State.CONTENT;
              more = true;
            }
          }
          case REASONING -> {
            int close = h.indexOf(CLOSE);
            if (close >= 0) {
              reasoning.append(h, 0, close);
              held.setLength(0);
              held.append(h.substring(close + CLOSE.length()));
              state = State.AFTER;
              more = true;
            } else {
              int keep = PartialTag.at(h, CLOSE);
              reasoning.append(h, 0, h.length() - keep);
              held.delete(0, h.length() - keep);
            }
          }
          case AFTER -> {
            String rest = h.stripLeading();
            held.setLength(0);
            held.append(rest);
            if (!rest.isEmpty()) {
              state = State.CONTENT;
              more = true;
            }
          }
          case CONTENT -> {
            content.append(h);
            held.setLength(0);
          }
        }
      }
      return new Split(
          reasoning.length() == 0 ? null : reasoning.toString(),
          content.length() == 0 ? null : content.toString());
    }

    /** The reply ended: what was held back goes to the part it was in. */
    public Split end() {
      String h = held.toString();
      held.setLength(0);
      if (h.isEmpty()) {
        return new Split(null, null);
      }
      return switch (state) {
        case REASONING -> new Split(h, null);
        case START -> new Split(null, h);
        default -> new Split(null, null);
      };
    }
  }
}
