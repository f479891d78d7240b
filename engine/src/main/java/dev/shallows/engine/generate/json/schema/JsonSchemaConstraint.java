package dev.shallows.engine.generate.json.schema;

import dev.shallows.engine.generate.OutputConstraint;
import dev.shallows.engine.generate.json.PieceTrie;
import dev.shallows.engine.generate.json.schema.SchemaRecognizer.State;
import java.util.BitSet;
import java.util.Map;

/**
 * Schema-constrained decoding for one generation: the tokens allowed in a recognizer state are
 * found by walking the vocabulary's trie and cached per state (shared by the generations of the
 * same schema and vocabulary).
 */
final class JsonSchemaConstraint implements OutputConstraint {

  private final String[] pieces;
  private final Map<State, BitSet> cache;
  private State state;

  JsonSchemaConstraint(State start, String[] pieces, Map<State, BitSet> cache) {
    this.state = start;
    this.pieces = pieces;
    this.cache = cache;
  }

  @Override
  public void accept(int token) {
    State next =
        token < pieces.length && pieces[token] != null && !pieces[token].isEmpty()
            ? SchemaRecognizer.feed(state, pieces[token])
            : null;
    if (next == null || !next.alive()) {
      throw new IllegalStateException("token " + token + " cannot continue the schema's value");
    }
    state = next;
  }

  @Override
  public boolean isComplete() {
    return state.complete();
  }

  @Override
  public BitSet allowed() {
    BitSet ok = cache.get(state);
    if (ok == null) {
      ok = insideString();
      if (ok == null) {
        ok =
            PieceTrie.of(pieces)
                .allowed(state, SchemaRecognizer::step, State::alive, pieces.length);
      }
      if (cache.size() >= JsonSchema.MAX_CACHED_STATES) {
        cache.clear();
      }
      cache.put(state, ok);
    }
    return ok;
  }

  /**
   * Inside one string (not in an escape): the plain tokens that fit (or, under a pattern, that its
   * automaton takes) plus the others that a walk allows; null in any other state.
   */
  private BitSet insideString() {
    if (state.stacks().size() != 1
        || !(state.stacks().iterator().next().top() instanceof SchemaRecognizer.Str s)
        || s.escape() != 0) {
      return null;
    }
    StringPieces sp = StringPieces.of(pieces);
    int max = s.node().maxLength;
    BitSet ok =
        s.node().pattern != null
            ? sp.plainFollowing(s.node().pattern, s.automaton(), s.length(), pieces.length)
            : sp.plainUpTo(max == Integer.MAX_VALUE ? max : max - s.length());
    ok.or(sp.others().allowed(state, SchemaRecognizer::step, State::alive, pieces.length));
    return ok;
  }
}
