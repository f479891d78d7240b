package dev.shallows.engine.generate;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A constraint that holds only after a tag: the reply is free until it writes {@code tag} (a
 * reasoning model's {@code </think>}), then {@code inner} applies to what follows, as vLLM applies
 * structured outputs after the reasoning. While free, the end tokens are masked (the constrained
 * part must still come), and a token that completes the tag is allowed only if nothing follows the
 * tag in it, so that the inner constraint sees its text from the start.
 */
final class ConstrainedAfterTag implements OutputConstraint {

  private static final int MAX_CACHED = 256;

  private final String tag;
  private final String[] pieces;
  private final Set<Integer> ends;
  private final OutputConstraint inner;
  private final List<Integer> closers = new ArrayList<>(); // tokens holding the tag's last char
  private final Map<String, BitSet> freeSets = new HashMap<>(); // by the text's last characters
  private String tail = ""; // the free text's last tag.length() - 1 characters
  private boolean free = true;

  ConstrainedAfterTag(String tag, String[] pieces, Set<Integer> ends, OutputConstraint inner) {
    this.tag = tag;
    this.pieces = pieces;
    this.ends = Set.copyOf(ends);
    this.inner = inner;
    char last = tag.charAt(tag.length() - 1);
    for (int t = 0; t < pieces.length; t++) {
      if (pieces[t] != null && pieces[t].indexOf(last) >= 0) {
        closers.add(t);
      }
    }
  }

  @Override
  public BitSet allowed() {
    if (!free) {
      return inner.allowed();
    }
    BitSet ok = freeSets.get(tail);
    if (ok == null) {
      ok = new BitSet(pieces.length);
      ok.set(0, pieces.length);
      ends.forEach(ok::clear);
      for (int t : closers) {
        String s = tail + pieces[t];
        int at = s.indexOf(tag);
        if (at >= 0 && at + tag.length() < s.length()) {
          ok.clear(t); // text after the tag, which the inner constraint has not seen
        }
      }
      if (freeSets.size() >= MAX_CACHED) {
        freeSets.clear();
      }
      freeSets.put(tail, ok);
    }
    return ok;
  }

  @Override
  public void accept(int token) {
    if (!free) {
      inner.accept(token);
      return;
    }
    if (ends.contains(token)) {
      throw new IllegalStateException("an end token before " + tag);
    }
    String s = tail + (token < pieces.length && pieces[token] != null ? pieces[token] : "");
    int at = s.indexOf(tag);
    if (at >= 0) {
      if (at + tag.length() < s.length()) {
        throw new IllegalStateException("token " + token + " writes text after " + tag);
      }
      free = false;
      return;
    }
    tail = s.substring(Math.max(0, s.length() - (tag.length() - 1)));
  }

  @Override
  public boolean isComplete() {
    return !free && inner.isComplete();
  }
}
