package dev.shallows.server.inference;

import dev.shallows.server.chat.ThinkTags;

/**
 * How one request's reply splits into reasoning and content: the model's reasoning parser (null:
 * none) and whether the reply starts inside a reasoning block the prompt opened. Then a constrained
 * reply (JSON, a schema, a guided pattern, forced tool calls) reasons freely first and the
 * constraint holds after {@code </think>}; otherwise a constrained reply has reasoning only if it
 * writes the block itself (a grammar or regex may).
 */
record Reasoning(ThinkTags tags, boolean inside) {

  static final Reasoning NONE = new Reasoning(null, false);

  /** The whole reply's parts (all content without a parser). */
  ThinkTags.Split split(String text) {
    return tags == null ? new ThinkTags.Split(null, text) : tags.split(text, inside);
  }

  /** A streamed reply's splitter, or null without a parser. */
  ThinkTags.Stream stream() {
    return tags == null ? null : tags.stream(inside);
  }

  boolean active() {
    return tags != null;
  }
}
