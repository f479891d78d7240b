package dev.shallows.server.chat;

/** Streamed text that may still grow into a tag: what parsers hold back until it is known. */
final class PartialTag {

  private PartialTag() {}

  /**
   * Length of the longest ending of {@code text} that is a proper start of {@code tag} (0: none).
   */
  static int at(String text, String tag) {
    for (int k = Math.min(tag.length() - 1, text.length()); k > 0; k--) {
      if (text.endsWith(tag.substring(0, k))) {
        return k;
      }
    }
    return 0;
  }
}
