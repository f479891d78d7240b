package dev.shallows.engine.generate;

import dev.shallows.engine.Decoder;
import dev.shallows.engine.SequenceState;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import java.util.Iterator;

/**
 * The KV caches of finished generations, kept for the prompts that follow (as llama.cpp's server
 * keeps a slot's prompt cache): a new prompt that starts with a cached sequence's tokens (a chat's
 * next turn resends the whole conversation; repeated requests share a long system prompt) takes
 * that sequence, rewinds it to the shared prefix and prefills only the rest. Each cached sequence
 * serves one generation at a time (no block sharing between live sequences). Bounded by {@code
 * maxBytes} of KV cache, least recently used out first; a sequence that another cached one extends
 * is dropped. Used by the thread that drives the decoder.
 */
public final class PromptCache implements AutoCloseable {

  /** A sequence holding the prompt's first {@code reused} tokens, now owned by the caller. */
  public record Hit(SequenceState state, int reused) {}

  private record Entry(int[] tokens, SequenceState state) {}

  private final Decoder decoder;
  private final long maxBytes;
  private final int minTokens;
  private final Deque<Entry> entries = new ArrayDeque<>(); // least recently used first
  private long bytes;
  private long hits;
  private long reusedTokens;

  /**
   * A cache for {@code decoder}'s sequences of at most {@code maxBytes} (0 = keep nothing), reusing
   * a prefix only when it spans at least {@code minTokens} tokens.
   */
  public PromptCache(Decoder decoder, long maxBytes, int minTokens) {
    if (maxBytes < 0 || minTokens < 1) {
      throw new IllegalArgumentException(
          "maxBytes must be >= 0 and minTokens >= 1, got " + maxBytes + ", " + minTokens);
    }
    this.decoder = decoder;
    this.maxBytes = maxBytes;
    this.minTokens = minTokens;
  }

  /**
   * A new sequence with room for {@code capacity} positions holding the longest prefix that {@code
   * prompt} shares with a cached sequence (never the whole prompt: its last token is prefilled
   * again for its logits), or null if none shares {@code minTokens}.
   */
  public synchronized Hit take(int[] prompt, int capacity) {
    Entry best = null;
    int shared = 0;
    for (Entry e : entries) {
      int p = commonPrefix(e.tokens, prompt);
      if (p > shared) {
        best = e;
        shared = p;
      }
    }
    int reuse = Math.min(shared, prompt.length - 1);
    if (best == null || reuse < minTokens) {
      return null;
    }
    entries.remove(best);
    entries.addLast(best); // most recently used
    SequenceState s = decoder.newSequence(capacity);
    try {
      best.state.copyTo(s, reuse);
    } catch (RuntimeException e) {
      s.close();
      throw e;
    }
    hits++;
    reusedTokens += reuse;
    return new Hit(s, reuse);
  }

  /**
   * Keeps {@code state}, which holds the KV of {@code tokens}, for later prompts (or closes it if
   * it cannot be kept). The cache owns it from now on.
   */
  public synchronized void put(int[] tokens, SequenceState state) {
    long size = state.cacheBytes();
    if (tokens.length < minTokens || size > maxBytes || state.length() != tokens.length) {
      state.close();
      return;
    }
    if (covers(tokens)) {
      state.close(); // an entry already holds these tokens (and maybe more)
      return;
    }
    for (Iterator<Entry> it = entries.iterator(); it.hasNext(); ) {
      Entry e = it.next();
      if (commonPrefix(e.tokens, tokens) == e.tokens.length) {
        it.remove(); // this one knows everything that one did
        bytes -= e.state.cacheBytes();
        e.state.close();
      }
    }
    entries.addLast(new Entry(tokens.clone(), state));
    bytes += size;
    while (bytes > maxBytes) {
      Entry e = entries.removeFirst();
      bytes -= e.state.cacheBytes();
      e.state.close();
    }
  }

  /** True if a cached sequence holds all of {@code tokens} (and maybe more after them). */
  public synchronized boolean covers(int[] tokens) {
    for (Entry e : entries) {
      if (e.tokens.length >= tokens.length && commonPrefix(e.tokens, tokens) == tokens.length) {
        return true;
      }
    }
    return false;
  }

  /** KV cache bytes held by the cached sequences. */
  public synchronized long bytes() {
    return bytes;
  }

  /** Cached sequences. */
  public synchronized int size() {
    return entries.size();
  }

  /** Prompts that reused a cached prefix. */
  public synchronized long hits() {
    return hits;
  }

  /** Prompt tokens not prefilled again thanks to the cache. */
  public synchronized long reusedTokens() {
    return reusedTokens;
  }

  /** Frees every cached sequence. */
  @Override
  public synchronized void close() {
    for (Entry e : entries) {
      e.state.close();
    }
    entries.clear();
    bytes = 0;
  }

  /** Length of the longest common prefix of a and b. */
  static int commonPrefix(int[] a, int[] b) {
    int m = Arrays.mismatch(a, b);
    return m < 0 ? a.length : m;
  }
}
