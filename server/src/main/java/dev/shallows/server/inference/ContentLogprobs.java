package dev.shallows.server.inference;

import dev.shallows.engine.generate.TokenEvent;
import dev.shallows.server.openai.ChatLogprobs;
import java.util.ArrayList;
import java.util.List;

/**
 * Which tokens' logprobs belong to a Responses message's text: a token's entry waits until the
 * content it carried goes out (held-back text that may still become a tool call waits with it), and
 * is dropped when its text went to a tool call or, with a reasoning parser, to the reasoning (every
 * token before the first content). Without parsers each text delta carries exactly its token's
 * entry.
 */
final class ContentLogprobs {

  private final Responses out;
  private final boolean reasoningParser;
  private final List<ChatLogprobs.Entry> pending = new ArrayList<>();
  private final List<ChatLogprobs.Entry> sent = new ArrayList<>();
  private int prev;
  private boolean contentSeen;

  ContentLogprobs(Responses out, int[] promptIds, boolean reasoningParser) {
    this.out = out;
    this.reasoningParser = reasoningParser;
    this.prev = promptIds.length > 0 ? promptIds[promptIds.length - 1] : -1;
  }

  /** A generated token and what its text became; returns the entries of {@code parts.content}. */
  List<ChatLogprobs.Entry> token(TokenEvent e, StreamedReply.Parts parts) {
    ChatLogprobs.Entry entry = out.chatEntry(prev, e);
    prev = e.tokenId();
    boolean reasoning = !parts.reasoning().isEmpty() || reasoningParser && !contentSeen;
    if (parts.content().isEmpty() && reasoning) {
      return List.of(); // a reasoning (or tag) token
    }
    pending.add(entry);
    return content(parts.content());
  }

  /** Content sent now (after the last token too): the waiting entries go with it. */
  List<ChatLogprobs.Entry> content(String text) {
    if (text.isEmpty()) {
      return List.of();
    }
    contentSeen = true;
    List<ChatLogprobs.Entry> now = List.copyOf(pending);
    sent.addAll(now);
    pending.clear();
    return now;
  }

  /** Every entry sent with content so far. */
  List<ChatLogprobs.Entry> sent() {
    return sent;
  }
}
