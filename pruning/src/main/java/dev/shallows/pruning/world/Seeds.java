package dev.shallows.pruning.world;

import java.util.Random;

/**
 * Independent, reproducible random streams derived from one seed and a purpose name, so that
 * changing how one part of the world is generated does not shift the others.
 */
final class Seeds {

  private Seeds() {}

  /** A {@link Random} (whose algorithm Java specifies) for {@code purpose} under {@code seed}. */
  static Random random(long seed, String purpose) {
    long h = seed * 0x9E3779B97F4A7C15L + purpose.hashCode(); // String.hashCode is specified
    h ^= h >>> 33;
    h *= 0xFF51AFD7ED558CCDL;
    h ^= h >>> 33;
    return new Random(h);
  }
}
