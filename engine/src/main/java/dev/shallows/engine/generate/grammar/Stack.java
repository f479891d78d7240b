package dev.shallows.engine.generate.grammar;

/**
 * One parse in progress: a persistent list of positions in {@link Rules#code}, the top pointing at
 * the terminal to match next, each one below at where its rule continues once the rule above ends.
 * {@link #ACCEPT} is the parse that has finished the root rule. Shared tails make copies cheap;
 * equality is structural.
 */
final class Stack {

  static final Stack ACCEPT = new Stack(-1, null);

  final int pos;
  final Stack below;
  private final int hash;

  Stack(int pos, Stack below) {
    this.pos = pos;
    this.below = below;
    this.hash = 31 * (below == null ? 17 : below.hash) + pos;
  }

  @Override
  public int hashCode() {
    return hash;
  }

  @Override
  public boolean equals(Object o) {
    if (this == o) {
      return true;
    }
    if (!(o instanceof Stack s) || s.hash != hash) {
      return false;
    }
    Stack a = this;
    Stack b = s;
    while (a != null && b != null) {
      if (a == b) {
        return true;
      }
      if (a.pos != b.pos) {
        return false;
      }
      a = a.below;
      b = b.below;
    }
    return a == b;
  }
}
