package dev.shallows.engine.generate.json;

import dev.shallows.engine.generate.OutputConstraint;
import java.util.BitSet;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * JSON mode for one generation: before each sample, tokens whose text cannot continue a JSON object
 * are masked out; after it, the grammar state advances by the sampled token's text. The sets of
 * allowed tokens are cached per grammar state and shared by every generation over the same
 * vocabulary (most steps repeat a state: inside a string, after a comma).
 */
public final class JsonObjectConstraint implements OutputConstraint {

  /** Cached allowed-token sets per vocabulary; cleared when it reaches this many states. */
  static final int MAX_CACHED_STATES = 1024;

  private static final Map<String[], Map<Long, BitSet>> CACHES = new WeakHashMap<>();

  private final String[] pieces;
  private final Map<Long, BitSet> allowed;
  private long state = JsonObjectGrammar.START;

  /**
   * A constraint over a vocabulary: {@code pieces[id]} is the text token id adds (null: never
   * allowed, e.g. special tokens).
   */
  public JsonObjectConstraint(String[] pieces) {
    this.pieces = pieces;
    synchronized (CACHES) {
      this.allowed = CACHES.computeIfAbsent(pieces, p -> new ConcurrentHashMap<>());
    }
  }

  /** Advances over a sampled token, which must be one {@link #allowed} allowed. */
  @Override
  public void accept(int token) {
    long next =
        token < pieces.length && pieces[token] != null
            ? JsonObjectGrammar.feed(state, pieces[token])
            : JsonObjectGrammar.INVALID;
    if (next == JsonObjectGrammar.INVALID) {
      throw new IllegalStateException("token " + token + " cannot continue the JSON object");
    }
    state = next;
  }

  /** Whether the object has closed. */
  @Override
  public boolean isComplete() {
    return JsonObjectGrammar.isComplete(state);
  }

  @Override
  public BitSet allowed() {
    BitSet ok = allowed.get(state);
    if (ok == null) {
      ok = new BitSet(pieces.length);
      for (int t = 0; t < pieces.length; t++) {
        String p = pieces[t];
        if (p != null
            && !p.isEmpty()
            && JsonObjectGrammar.feed(state, p) != JsonObjectGrammar.INVALID) {
          ok.set(t);
        }
      }
      if (allowed.size() >= MAX_CACHED_STATES) {
        allowed.clear();
      }
      allowed.put(state, ok);
    }
    return ok;
  }
}
