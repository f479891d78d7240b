package dev.shallows.engine.generate.json.schema;

import dev.shallows.engine.generate.json.schema.SchemaNode.AnyOfNode;
import dev.shallows.engine.generate.json.schema.SchemaNode.ArrayNode;
import dev.shallows.engine.generate.json.schema.SchemaNode.LiteralNode;
import dev.shallows.engine.generate.json.schema.SchemaNode.NumberNode;
import dev.shallows.engine.generate.json.schema.SchemaNode.ObjectNode;
import dev.shallows.engine.generate.json.schema.SchemaNode.StringNode;
import dev.shallows.engine.generate.regex.CharAutomaton;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;

/**
 * An incremental recognizer of the JSON texts a compiled schema allows, character by character: a
 * pushdown automaton whose stack holds one frame per open value. A state is the set of stacks still
 * alive (anyOf, and enum values that are prefixes of each other, keep several), immutable and
 * comparable, so allowed-token sets can be cached per state.
 *
 * <p>What it accepts, besides the schema: compact JSON with at most one space between tokens (as
 * {@code json_object} mode), declared properties in the schema's order (optional ones may be left
 * out, undeclared keys never appear), enum and const values written as compact JSON, integers
 * without fraction or exponent, and at most {@value #MAX_DIGITS} digits per number part. A string
 * with a pattern or format follows its automaton ({@link CharAutomaton}) over decoded characters.
 */
final class SchemaRecognizer {

  /**
   * A persistent stack of frames: {@code below} is shared by the states that grow from it; {@code
   * depth} counts the open objects and arrays.
   */
  record Stack(Frame top, Stack below, int depth) {
    static Stack of(Frame top, Stack below) {
      int under = below == null ? 0 : below.depth();
      return new Stack(top, below, top instanceof Obj || top instanceof Arr ? under + 1 : under);
    }
  }

  /** Open objects and arrays at most (JSON mode allows 32; recursive schemas may need more). */
  static final int MAX_DEPTH = 128;

  /**
   * Alternatives kept per state. Dropping some keeps every accepted text valid and every kept one
   * completable; it only matters for anyOf options that share long prefixes, nested.
   */
  static final int MAX_STACKS = 64;

  /** A recognizer state: every way the text so far can still continue. Empty: none. */
  record State(Set<Stack> stacks) {
    boolean alive() {
      return !stacks.isEmpty();
    }

    /** Whether the root value has closed. */
    boolean complete() {
      for (Stack s : stacks) {
        if (s.top() instanceof Root r && r.done()) {
          return true;
        }
      }
      return false;
    }
  }

  sealed interface Frame {}

  /** Under the root value; done once it has closed. */
  record Root(boolean done) implements Frame {}

  /** A value of a concrete node must start (after at most one space). */
  record Value(SchemaNode node, boolean spaced) implements Frame {}

  /**
   * Inside a string: length so far (capped), escape progress (0 none, 1 after '\', 5..2 hex), and
   * for a string with a pattern the automaton's state and the {@code \}{@code u} digits so far.
   */
  record Str(StringNode node, int length, int escape, int automaton, int code) implements Frame {
    Str(StringNode node, int length, int escape) {
      this(node, length, escape, 0, 0);
    }
  }

  /** Inside a number: the part being read and its digits so far. */
  record Num(NumberNode node, int part, int digits) implements Frame {}

  /** Inside a bounded number: the state of its range's automaton. */
  record Bounded(NumberNode node, int state) implements Frame {}

  /**
   * Digits per number part at most (integer and fraction; exponent {@value #MAX_EXPONENT_DIGITS}),
   * as llama.cpp's schema grammars: a small model otherwise writes digits until max_tokens.
   */
  static final int MAX_DIGITS = 16;

  static final int MAX_EXPONENT_DIGITS = 3;

  /** Inside an enum/const value: the characters read so far. */
  record Lit(LiteralNode node, String prefix) implements Frame {}

  /**
   * An open object: the phase, the first property that may come next, the property being written,
   * the key read so far, and whether a space was just read.
   */
  record Obj(ObjectNode node, int phase, int next, int chosen, String key, boolean spaced)
      implements Frame {}

  /** An open array: the phase, the items so far, and whether a space was just read. */
  record Arr(ArrayNode node, int phase, int count, boolean spaced) implements Frame {}

  // object phases
  private static final int O_OPEN = 0; // after '{': a key or '}'
  private static final int O_KEY = 1; // inside a declared key
  private static final int O_FREE_KEY = 2; // a free key's string is on top
  private static final int O_COLON = 3; // after a key: ':'
  private static final int O_VALUE = 4; // the property's value is on top
  private static final int O_AFTER = 5; // after a value: ',' or '}'
  private static final int O_COMMA = 6; // after ',': a key
  // array phases
  private static final int A_OPEN = 0; // after '[': a value or ']'
  private static final int A_VALUE = 1; // an item is on top
  private static final int A_AFTER = 2; // after an item: ',' or ']'
  // number parts
  private static final int N_MINUS = 0;
  private static final int N_ZERO = 1;
  private static final int N_INT = 2;
  private static final int N_DOT = 3;
  private static final int N_FRAC = 4;
  private static final int N_E = 5;
  private static final int N_ESIGN = 6;
  private static final int N_EXP = 7;

  private static final Stack ROOT = Stack.of(new Root(false), null);
  private static final Stack DONE = Stack.of(new Root(true), null);

  private SchemaRecognizer() {}

  /** The state before any text. */
  static State start(SchemaNode root) {
    List<Stack> out = new ArrayList<>(2);
    expect(root, false, ROOT, out);
    return state(out);
  }

  /** The state after {@code text}; dead (not alive) if the text cannot continue. */
  static State feed(State s, CharSequence text) {
    for (int i = 0; i < text.length() && s.alive(); i++) {
      s = step(s, text.charAt(i));
    }
    return s;
  }

  /** The state after one character. */
  static State step(State s, char c) {
    List<Stack> out = new ArrayList<>(2);
    for (Stack st : s.stacks()) {
      step(st, c, out);
    }
    return state(out);
  }

  private static State state(List<Stack> stacks) {
    if (stacks.size() == 1) {
      return new State(Set.of(stacks.get(0)));
    }
    return new State(Set.copyOf(stacks.stream().distinct().limit(MAX_STACKS).toList()));
  }

  /** Pushes the expectation of a value of {@code node}: one stack per option of an anyOf. */
  private static void expect(SchemaNode node, boolean spaced, Stack below, List<Stack> out) {
    expect(node, spaced, below, out, 0);
  }

  private static void expect(
      SchemaNode node, boolean spaced, Stack below, List<Stack> out, int nesting) {
    SchemaNode n = SchemaNode.resolve(node);
    if (n instanceof AnyOfNode any) {
      if (nesting > MAX_DEPTH) { // only an anyOf that reaches itself through $ref gets here
        throw new UnsupportedSchemaException("", "an anyOf contains itself through $ref");
      }
      for (SchemaNode option : any.options) {
        expect(option, spaced, below, out, nesting + 1);
      }
    } else {
      out.add(Stack.of(new Value(n, spaced), below));
    }
  }

  /** Expands every node reachable from {@code root} once, so a self-containing anyOf fails now. */
  static void checkExpansions(SchemaNode root) {
    Set<SchemaNode> seen = Collections.newSetFromMap(new IdentityHashMap<>());
    ArrayDeque<SchemaNode> pending = new ArrayDeque<>(List.of(root));
    while (!pending.isEmpty()) {
      SchemaNode n = pending.pop();
      if (!seen.add(n)) {
        continue;
      }
      expect(n, false, ROOT, new ArrayList<>());
      if (n instanceof SchemaNode.RefNode r) {
        pending.push(r.target);
      } else if (n instanceof AnyOfNode any) {
        any.options.forEach(pending::push);
      } else if (n instanceof ObjectNode o) {
        o.properties.forEach(p -> pending.push(p.value()));
        if (o.freeValues != null) {
          pending.push(o.freeValues);
        }
      } else if (n instanceof ArrayNode a) {
        a.prefix.forEach(pending::push);
        pending.push(a.items);
      }
    }
  }

  /** The stack once its top value has ended: the parent takes its next phase. */
  private static Stack close(Stack below) {
    Frame f = below.top();
    if (f instanceof Root) {
      return DONE;
    }
    Frame next;
    if (f instanceof Obj o) {
      int phase = o.phase() == O_FREE_KEY ? O_COLON : O_AFTER;
      next = new Obj(o.node(), phase, o.next(), -1, "", false);
    } else if (f instanceof Arr a) {
      next = new Arr(a.node(), A_AFTER, a.count() + 1, false);
    } else {
      throw new IllegalStateException("no value can end into " + f);
    }
    return Stack.of(next, below.below());
  }

  private static void step(Stack s, char c, List<Stack> out) {
    Frame f = s.top();
    if (f instanceof Value v) {
      value(v, s.below(), c, out);
    } else if (f instanceof Str str) {
      string(str, s.below(), c, out);
    } else if (f instanceof Num n) {
      number(n, s.below(), c, out);
    } else if (f instanceof Bounded n) {
      boundedNumber(n, s.below(), c, out);
    } else if (f instanceof Lit l) {
      literal(l, s.below(), c, out);
    } else if (f instanceof Obj o) {
      object(o, s.below(), c, out);
    } else if (f instanceof Arr a) {
      array(a, s.below(), c, out);
    } // Root: nothing follows the root value
  }

  private static void value(Value v, Stack below, char c, List<Stack> out) {
    if (c == ' ') {
      if (!v.spaced()) {
        out.add(Stack.of(new Value(v.node(), true), below));
      }
      return;
    }
    SchemaNode n = v.node();
    if (below.depth() >= MAX_DEPTH && (n instanceof ObjectNode || n instanceof ArrayNode)) {
      return; // too deep to open another container
    }
    if (n instanceof ObjectNode o) {
      if (c == '{') {
        out.add(Stack.of(new Obj(o, O_OPEN, 0, -1, "", false), below));
      }
    } else if (n instanceof ArrayNode a) {
      if (c == '[') {
        out.add(Stack.of(new Arr(a, A_OPEN, 0, false), below));
      }
    } else if (n instanceof StringNode str) {
      if (c == '"') {
        int automaton = str.pattern == null ? 0 : str.pattern.start();
        out.add(Stack.of(new Str(str, 0, 0, automaton, 0), below));
      }
    } else if (n instanceof NumberNode num && num.range != null) {
      int t = num.range.step(num.range.start(), 0, c);
      if (t >= 0) {
        out.add(Stack.of(new Bounded(num, t), below));
      }
    } else if (n instanceof NumberNode num) {
      if (c == '-') {
        out.add(Stack.of(new Num(num, N_MINUS, 0), below));
      } else if (c == '0') {
        out.add(Stack.of(new Num(num, N_ZERO, 1), below));
      } else if (c >= '1' && c <= '9') {
        out.add(Stack.of(new Num(num, N_INT, 1), below));
      }
    } else if (n instanceof LiteralNode l) {
      literal(new Lit(l, ""), below, c, out);
    } else {
      throw new IllegalStateException("not a concrete node: " + n);
    }
  }

  private static void string(Str s, Stack below, char c, List<Stack> out) {
    StringNode n = s.node();
    if (n.pattern != null) {
      patterned(s, below, c, out);
      return;
    }
    if (s.escape() == 0) {
      if (c == '"') {
        if (s.length() >= n.minLength) {
          out.add(close(below));
        }
      } else if (c == '\\') {
        if (s.length() < n.maxLength) { // an escape is one more character
          out.add(Stack.of(new Str(n, s.length(), 1), below));
        }
      } else if (c >= 0x20) {
        // the second half of a surrogate pair is not a code point of its own
        int length = Character.isLowSurrogate(c) ? s.length() : s.length() + 1;
        grow(n, length, 0, below, out);
      }
    } else if (s.escape() == 1) {
      if (c == 'u') {
        out.add(Stack.of(new Str(n, s.length(), 5), below));
      } else if ("\"\\/bfnrt".indexOf(c) >= 0) {
        grow(n, s.length() + 1, 0, below, out);
      }
    } else if (Character.digit(c, 16) >= 0) {
      if (s.escape() == 2) {
        grow(n, s.length() + 1, 0, below, out);
      } else {
        out.add(Stack.of(new Str(n, s.length(), s.escape() - 1), below));
      }
    }
  }

  /**
   * A string with a pattern: each decoded character (escapes included) steps the automaton and the
   * length; an escape starts only if some character it can spell continues.
   */
  private static void patterned(Str s, Stack below, char c, List<Stack> out) {
    StringNode n = s.node();
    CharAutomaton p = n.pattern;
    int state = s.automaton();
    int length = s.length();
    if (s.escape() == 0) {
      if (c == '"') {
        if (p.accepts(state, length)) {
          out.add(close(below));
        }
      } else if (c == '\\') {
        if (p.anyIn(state, length, 0, Character.MAX_VALUE)) {
          out.add(Stack.of(new Str(n, length, 1, state, 0), below));
        }
      } else if (c >= 0x20) {
        decoded(n, p.step(state, length, c), p.grown(length), below, out);
      }
    } else if (s.escape() == 1) {
      int simple = "\"\\/bfnrt".indexOf(c);
      if (c == 'u') {
        out.add(Stack.of(new Str(n, length, 5, state, 0), below));
      } else if (simple >= 0) {
        char decoded = "\"\\/\b\f\n\r\t".charAt(simple);
        decoded(n, p.step(state, length, decoded), p.grown(length), below, out);
      }
    } else if (Character.digit(c, 16) >= 0) {
      int code = s.code() * 16 + Character.digit(c, 16);
      int left = s.escape() - 2; // hex digits still to come
      if (left == 0) {
        decoded(n, p.step(state, length, (char) code), p.grown(length), below, out);
      } else if (p.anyIn(state, length, code << 4 * left, ((code + 1) << 4 * left) - 1)) {
        out.add(Stack.of(new Str(n, length, s.escape() - 1, state, code), below));
      }
    }
  }

  /** The string after a decoded character that led the automaton to {@code next} (-1: dead). */
  private static void decoded(StringNode n, int next, int length, Stack below, List<Stack> out) {
    if (next >= 0) {
      out.add(Stack.of(new Str(n, length, 0, next, 0), below));
    }
  }

  /** One more character of a string, if its maximum allows it. */
  private static void grow(StringNode n, int length, int escape, Stack below, List<Stack> out) {
    if (length <= n.maxLength) {
      out.add(Stack.of(new Str(n, Math.min(length, n.lengthCap()), escape), below));
    }
  }

  private static void number(Num num, Stack below, char c, List<Stack> out) {
    boolean digit = c >= '0' && c <= '9';
    boolean integer = num.node().integer;
    int part = num.part();
    int next = -1;
    switch (part) {
      case N_MINUS -> next = c == '0' ? N_ZERO : digit ? N_INT : -1;
      case N_DOT -> next = digit ? N_FRAC : -1;
      case N_E -> next = c == '+' || c == '-' ? N_ESIGN : digit ? N_EXP : -1;
      case N_ESIGN -> next = digit ? N_EXP : -1;
      default -> { // N_ZERO, N_INT, N_FRAC, N_EXP: the number may end here
        if (digit && part != N_ZERO) {
          int limit = part == N_EXP ? MAX_EXPONENT_DIGITS : MAX_DIGITS;
          if (num.digits() < limit) {
            out.add(Stack.of(new Num(num.node(), part, num.digits() + 1), below));
          }
          return;
        } else if (c == '.' && !integer && (part == N_ZERO || part == N_INT)) {
          next = N_DOT;
        } else if ((c == 'e' || c == 'E') && !integer && part != N_EXP) {
          next = N_E;
        } else {
          step(close(below), c, out); // the number ended: c belongs to what follows
          return;
        }
      }
    }
    if (next >= 0) {
      int digits = next == N_ZERO || next == N_INT || next == N_FRAC || next == N_EXP ? 1 : 0;
      out.add(Stack.of(new Num(num.node(), next, digits), below));
    }
  }

  /** A bounded number: its automaton takes the characters; any other character may end it. */
  private static void boundedNumber(Bounded n, Stack below, char c, List<Stack> out) {
    CharAutomaton range = n.node().range;
    int t = range.step(n.state(), 0, c);
    if (t >= 0) {
      out.add(Stack.of(new Bounded(n.node(), t), below));
    } else if (range.accepts(n.state(), 0) && "0123456789.-+eE".indexOf(c) < 0) {
      step(close(below), c, out); // the number ended: c belongs to what follows
    }
  }

  private static void literal(Lit l, Stack below, char c, List<Stack> out) {
    String prefix = l.prefix() + c;
    boolean longer = false;
    for (String text : l.node().texts) {
      if (text.equals(prefix)) {
        out.add(close(below));
      } else if (!longer && text.startsWith(prefix)) {
        longer = true;
      }
    }
    if (longer) {
      out.add(Stack.of(new Lit(l.node(), prefix), below));
    }
  }

  private static void object(Obj o, Stack below, char c, List<Stack> out) {
    ObjectNode n = o.node();
    switch (o.phase()) {
      case O_OPEN, O_COMMA -> {
        if (c == ' ') {
          if (!o.spaced()) {
            out.add(Stack.of(new Obj(n, o.phase(), o.next(), -1, "", true), below));
          }
        } else if (c == '}') {
          if (o.phase() == O_OPEN && (n.free() || n.mayClose(o.next()))) {
            out.add(close(below));
          }
        } else if (c == '"') {
          if (n.free()) {
            Stack key = Stack.of(new Obj(n, O_FREE_KEY, 0, -1, "", false), below);
            out.add(Stack.of(new Str(KEY, 0, 0), key));
          } else {
            key(n, o.next(), "\"", below, out);
          }
        }
      }
      case O_KEY -> key(n, o.next(), o.key() + c, below, out);
      case O_COLON -> {
        if (c == ' ') {
          if (!o.spaced()) {
            out.add(Stack.of(new Obj(n, O_COLON, o.next(), o.chosen(), "", true), below));
          }
        } else if (c == ':') {
          SchemaNode valueNode = n.free() ? n.freeValues : n.properties.get(o.chosen()).value();
          int next = n.free() ? 0 : o.chosen() + 1;
          expect(valueNode, false, Stack.of(new Obj(n, O_VALUE, next, -1, "", false), below), out);
        }
      }
      case O_AFTER -> {
        if (c == ' ') {
          if (!o.spaced()) {
            out.add(Stack.of(new Obj(n, O_AFTER, o.next(), -1, "", true), below));
          }
        } else if (c == ',') {
          if (n.free() || o.next() < n.properties.size()) {
            out.add(Stack.of(new Obj(n, O_COMMA, o.next(), -1, "", false), below));
          }
        } else if (c == '}' && (n.free() || n.mayClose(o.next()))) {
          out.add(close(below));
        }
      }
      default ->
          throw new IllegalStateException("object phase " + o.phase() + " has a value on top");
    }
  }

  /** A declared key read up to {@code key}: still the start of a property that may come next. */
  private static void key(ObjectNode n, int next, String key, Stack below, List<Stack> out) {
    boolean partial = false;
    for (int i = next; i < n.properties.size() && n.mayCome(next, i); i++) {
      String text = n.properties.get(i).keyText();
      if (text.equals(key)) {
        out.add(Stack.of(new Obj(n, O_COLON, next, i, "", false), below));
        return;
      }
      partial |= text.startsWith(key);
    }
    if (partial) {
      out.add(Stack.of(new Obj(n, O_KEY, next, -1, key, false), below));
    }
  }

  private static void array(Arr a, Stack below, char c, List<Stack> out) {
    ArrayNode n = a.node();
    if (c == ' ' && a.phase() != A_VALUE) {
      if (!a.spaced()) {
        out.add(Stack.of(new Arr(n, a.phase(), a.count(), true), below));
      }
      return;
    }
    if (c == ']') {
      if (a.count() >= n.minItems && a.phase() != A_VALUE) {
        out.add(close(below));
      }
      return;
    }
    Stack item = Stack.of(new Arr(n, A_VALUE, a.count(), false), below);
    if (a.phase() == A_OPEN && n.maxItems > 0) {
      List<Stack> starts = new ArrayList<>(2);
      expect(n.itemAt(0), true, item, starts); // the space, if any, was the array's
      for (Stack s : starts) {
        step(s, c, out);
      }
    } else if (a.phase() == A_AFTER && c == ',' && a.count() < n.maxItems) {
      expect(n.itemAt(a.count()), false, item, out);
    }
  }

  /** A free key: any string. */
  private static final StringNode KEY = new StringNode(0, Integer.MAX_VALUE);
}
