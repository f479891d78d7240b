package dev.shallows.engine.generate;

import java.util.List;

/**
 * Stop-string matching over streamed text. Text is held back while its tail could still be the
 * start of a stop string; once a stop string appears, the text before it is released, and the stop
 * string itself only when asked to be included; anything after it never is.
 */
final class StopStrings {

  private final List<String> stops;
  private final boolean include;
  private final StringBuilder pending = new StringBuilder();
  private boolean stopped;

  /** {@code include}: the stop string that ends the text is part of it. */
  StopStrings(List<String> stops, boolean include) {
    this.stops = List.copyOf(stops);
    this.include = include;
  }

  /** Appends newly decoded text and returns the text that is now safe to release. */
  String push(String text) {
    if (stopped) {
      return "";
    }
    pending.append(text);
    int at = earliestStop();
    if (at >= 0) {
      stopped = true;
      String out = pending.substring(0, include ? at + matchedLength(at) : at);
      pending.setLength(0);
      return out;
    }
    int keep = longestStopPrefixSuffix();
    String out = pending.substring(0, pending.length() - keep);
    pending.delete(0, pending.length() - keep);
    return out;
  }

  /** Releases whatever is held back (the generation ended for another reason). */
  String flush() {
    String out = pending.toString();
    pending.setLength(0);
    return out;
  }

  /** True once a stop string has been seen. */
  boolean stopped() {
    return stopped;
  }

  /** The longest stop string that starts at {@code at}. */
  private int matchedLength(int at) {
    int len = 0;
    for (String s : stops) {
      if (pending.indexOf(s, at) == at) {
        len = Math.max(len, s.length());
      }
    }
    return len;
  }

  private int earliestStop() {
    int best = -1;
    for (String s : stops) {
      int i = pending.indexOf(s);
      if (i >= 0 && (best < 0 || i < best)) {
        best = i;
      }
    }
    return best;
  }

  /** Length of the longest tail of {@code pending} that is a proper prefix of some stop string. */
  private int longestStopPrefixSuffix() {
    int best = 0;
    String text = pending.toString();
    int n = text.length();
    for (String s : stops) {
      for (int len = Math.min(s.length() - 1, n); len > best; len--) {
        if (text.regionMatches(n - len, s, 0, len)) {
          best = len;
          break;
        }
      }
    }
    return best;
  }
}
