package dev.shallows.engine;

/**
 * The mutable state of one sequence in one {@link Decoder}: its KV cache (preallocated for {@link
 * #capacity()} positions, written in place) and how many positions are filled. Owned by exactly one
 * request; closing frees its native memory.
 */
public interface SequenceState extends AutoCloseable {

  /** Positions already in the cache (the next token goes at this position). */
  int length();

  /** Maximum positions this state can hold. */
  int capacity();

  /**
   * Forgets every position from {@code length} on ({@code 0 <= length <= length()}): the next token
   * goes at position {@code length}. The cache is positional, so this costs nothing, and a prefix
   * shared by several continuations is prefilled once and each continuation after it in turn.
   */
  void truncate(int length);

  /**
   * Copies this sequence's first {@code positions} cached positions into {@code target}, a sequence
   * of the same decoder with room for them, whose length becomes {@code positions} (to move a
   * cached prefix into a sequence with more capacity).
   */
  void copyTo(SequenceState target, int positions);

  /** Bytes of KV cache this state holds (for metrics). */
  long cacheBytes();

  @Override
  void close();

  /** Throws unless {@code newLength} is a valid {@link #truncate} target for {@code length}. */
  static void checkTruncate(int length, int newLength) {
    if (newLength < 0 || newLength > length) {
      throw new IllegalArgumentException(
          "cannot truncate a sequence of " + length + " positions to " + newLength);
    }
  }

  /** Throws unless {@code positions} of a sequence of {@code length} fit a target of capacity. */
  static void checkCopy(int length, int positions, int targetCapacity) {
    if (positions < 0 || positions > length || positions > targetCapacity) {
      throw new IllegalArgumentException(
          "cannot copy "
              + positions
              + " positions from a sequence of "
              + length
              + " into one of capacity "
              + targetCapacity);
    }
  }
}
