package dev.shallows.server.inference;

import dev.shallows.server.chat.ThinkTags;

/**
 * One streamed reply: which of its text may go out now, and as what. With a reasoning parser the
 * reasoning is split off first ({@link ThinkTags}). Of the content, free text goes out as it comes;
 * under {@code "auto"} the text from where a call may start in the model's format is held back; a
 * reply constrained to calls is held back whole. At the end, {@link #reply} reads the content as
 * calls or text and {@link #unsentContent} gives the content not yet sent.
 */
final class StreamedReply {

  /** Increments to send: reasoning and content ("" where none). */
  record Parts(String reasoning, String content) {}

  private final ToolChoice tools;
  private final ThinkTags.Stream thinking; // null without a reasoning parser
  private final StringBuilder reasoning = new StringBuilder();
  private final StringBuilder text = new StringBuilder(); // the content so far
  private int sent; // characters of content sent

  StreamedReply(ToolChoice tools, ThinkTags.Stream thinking) {
    this.tools = tools;
    this.thinking = thinking;
  }

  /** Appends a token's text; returns what may be sent now. */
  Parts onToken(String delta) {
    if (thinking == null) {
      return new Parts("", content(delta));
    }
    ThinkTags.Split s = thinking.feed(delta);
    String r = s.reasoning() == null ? "" : s.reasoning();
    reasoning.append(r);
    return new Parts(r, content(s.content() == null ? "" : s.content()));
  }

  private String content(String delta) {
    text.append(delta);
    if (tools.constrained()) {
      return "";
    }
    int safe = tools.parsed() ? tools.parser().contentPrefix(text.toString()) : text.length();
    if (safe <= sent) {
      return "";
    }
    String out = text.substring(sent, safe);
    sent = safe;
    return out;
  }

  /** The reply ended: returns the reasoning held back (""), the rest goes to the content. */
  String end() {
    if (thinking == null) {
      return "";
    }
    ThinkTags.Split s = thinking.end();
    String r = s.reasoning() == null ? "" : s.reasoning();
    reasoning.append(r);
    text.append(s.content() == null ? "" : s.content());
    return r;
  }

  /** The whole reasoning, or null. */
  String reasoning() {
    return reasoning.length() == 0 ? null : reasoning.toString();
  }

  /** The content as a message: calls (after optional content) or text (null: none). */
  ToolChoice.Reply reply() {
    if (thinking != null && text.length() == 0 && !tools.constrained()) {
      return new ToolChoice.Reply(null, null); // it only reasoned
    }
    return tools.reply(text.toString(), true);
  }

  /** The content of {@code reply} not sent yet ("" when none). */
  String unsentContent(ToolChoice.Reply reply) {
    String content = reply.content() == null ? "" : reply.content();
    return sent < content.length() ? content.substring(sent) : "";
  }
}
