package dev.shallows.server.inference;

/**
 * One streamed reply under a tool mode: which of its text may go out as content now. Free text goes
 * out as it comes; under {@code "auto"} the text from where a call may start in the model's format
 * is held back; a reply constrained to calls is held back whole. At the end, {@link #finish} reads
 * the reply as calls or text and {@link #unsentContent} gives the content not yet sent.
 */
final class StreamedReply {

  private final ToolChoice tools;
  private final StringBuilder text = new StringBuilder();
  private int sent; // characters of text sent as content

  StreamedReply(ToolChoice tools) {
    this.tools = tools;
  }

  /** Appends a token's text; returns the content that may be sent now (possibly empty). */
  String onToken(String delta) {
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

  /** The whole reply as a message: calls (after optional content) or text. */
  ToolChoice.Reply finish() {
    return tools.reply(text.toString(), true);
  }

  /** The content of {@code reply} not sent yet ("" when none). */
  String unsentContent(ToolChoice.Reply reply) {
    String content = reply.content() == null ? "" : reply.content();
    return sent < content.length() ? content.substring(sent) : "";
  }
}
