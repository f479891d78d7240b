package dev.shallows.engine.generate.json;

/**
 * An incremental recognizer of one JSON object (RFC 8259, top level an object), character by
 * character, whose whole state packs into a {@code long} so that trying a token from a state costs
 * no allocation. {@link #step} returns the next state or {@link #INVALID}; {@link #isComplete}
 * tells when the object has closed. Between tokens at most one space is allowed: a small model
 * given newlines and indentation spends its whole budget on them (the built-in model wrote a
 * newline and 19 spaces for its 20 tokens); nesting is limited to {@value #MAX_DEPTH} levels.
 * Characters above U+007F (including U+FFFD, the text of a token holding part of a UTF-8 sequence)
 * are allowed inside strings only.
 *
 * <p>State layout: bits 0-4 mode, 5-10 depth, 11-14 sub-state (literal progress, hex digits left),
 * 15 a space was just read, 20-63 one bit per open container (1 = object, 0 = array).
 */
public final class JsonObjectGrammar {

  /** No state: the character cannot continue the text. */
  public static final long INVALID = -1;

  /** The state before anything: whitespace or '{'. */
  public static final long START = 0;

  static final int MAX_DEPTH = 32;

  /** State bit: the last character was a space between tokens. */
  private static final long SPACED = 1L << 15;

  // modes
  private static final int M_START = 0; // top level, before '{'
  private static final int M_VALUE = 1; // a value must come (after ':' or an array's ',')
  private static final int M_OBJ_FIRST = 2; // after '{': a key or '}'
  private static final int M_OBJ_KEY = 3; // after an object's ',': a key
  private static final int M_KEY = 4; // inside a key string
  private static final int M_KEY_ESC = 5;
  private static final int M_KEY_HEX = 6;
  private static final int M_COLON = 7; // after a key: ':'
  private static final int M_ARR_FIRST = 8; // after '[': a value or ']'
  private static final int M_STR = 9; // inside a value string
  private static final int M_STR_ESC = 10;
  private static final int M_STR_HEX = 11;
  private static final int M_AFTER = 12; // after a value: ',' or the container's close
  private static final int M_NUM_MINUS = 13; // "-": a digit must follow
  private static final int M_NUM_ZERO = 14; // "0" or "-0": '.', 'e' or the end
  private static final int M_NUM_INT = 15; // integer digits
  private static final int M_NUM_DOT = 16; // '.': a digit must follow
  private static final int M_NUM_FRAC = 17;
  private static final int M_NUM_E = 18; // 'e': sign or digit
  private static final int M_NUM_ESIGN = 19; // sign: a digit must follow
  private static final int M_NUM_EXP = 20;
  private static final int M_LITERAL = 21; // inside true / false / null
  private static final int M_DONE = 22; // the object has closed

  private static final String[] LITERALS = {"true", "false", "null"};

  private JsonObjectGrammar() {}

  /** Whether {@code state} is a closed top-level object. */
  public static boolean isComplete(long state) {
    return state != INVALID && mode(state) == M_DONE;
  }

  /** The state after {@code text} from {@code state}, or {@link #INVALID}. */
  public static long feed(long state, CharSequence text) {
    for (int i = 0; i < text.length() && state != INVALID; i++) {
      state = step(state, text.charAt(i));
    }
    return state;
  }

  /** The state after one character, or {@link #INVALID}. */
  public static long step(long s, char c) {
    if (s == INVALID) {
      return INVALID;
    }
    int mode = mode(s);
    switch (mode) {
      case M_KEY, M_STR -> {
        if (c == '"') {
          return withMode(s, mode == M_KEY ? M_COLON : M_AFTER);
        }
        if (c == '\\') {
          return withMode(s, mode == M_KEY ? M_KEY_ESC : M_STR_ESC);
        }
        return c < 0x20 ? INVALID : s;
      }
      case M_KEY_ESC, M_STR_ESC -> {
        int back = mode == M_KEY_ESC ? M_KEY : M_STR;
        if (c == 'u') {
          return withSub(withMode(s, mode == M_KEY_ESC ? M_KEY_HEX : M_STR_HEX), 4);
        }
        return "\"\\/bfnrt".indexOf(c) >= 0 ? withMode(s, back) : INVALID;
      }
      case M_KEY_HEX, M_STR_HEX -> {
        if (!isHexDigit(c)) {
          return INVALID;
        }
        int left = sub(s) - 1;
        return left == 0
            ? withSub(withMode(s, mode == M_KEY_HEX ? M_KEY : M_STR), 0)
            : withSub(s, left);
      }
      case M_LITERAL -> {
        int lit = sub(s) / 5;
        int at = sub(s) % 5;
        String word = LITERALS[lit];
        if (c != word.charAt(at)) {
          return INVALID;
        }
        return at + 1 == word.length()
            ? withSub(withMode(s, M_AFTER), 0)
            : withSub(s, lit * 5 + at + 1);
      }
      case M_NUM_MINUS -> {
        return c == '0' ? withMode(s, M_NUM_ZERO) : isDigit(c) ? withMode(s, M_NUM_INT) : INVALID;
      }
      case M_NUM_DOT -> {
        return isDigit(c) ? withMode(s, M_NUM_FRAC) : INVALID;
      }
      case M_NUM_ESIGN -> {
        return isDigit(c) ? withMode(s, M_NUM_EXP) : INVALID;
      }
      case M_NUM_E -> {
        return c == '+' || c == '-'
            ? withMode(s, M_NUM_ESIGN)
            : isDigit(c) ? withMode(s, M_NUM_EXP) : INVALID;
      }
      case M_NUM_ZERO, M_NUM_INT, M_NUM_FRAC, M_NUM_EXP -> {
        if (isDigit(c) && mode != M_NUM_ZERO) {
          return s;
        }
        if (c == '.' && (mode == M_NUM_ZERO || mode == M_NUM_INT)) {
          return withMode(s, M_NUM_DOT);
        }
        if ((c == 'e' || c == 'E') && mode != M_NUM_EXP) {
          return withMode(s, M_NUM_E);
        }
        return step(withMode(s, M_AFTER), c); // the number ended: c belongs to what follows
      }
      case M_DONE -> {
        return INVALID;
      }
      default -> {
        return structural(s, mode, c);
      }
    }
  }

  /** Modes between tokens: whitespace, punctuation and the start of values. */
  private static long structural(long s, int mode, char c) {
    if (c == ' ') {
      return (s & SPACED) != 0 ? INVALID : s | SPACED;
    }
    s &= ~SPACED;
    switch (mode) {
      case M_START -> {
        return c == '{' ? push(s, true) : INVALID;
      }
      case M_OBJ_FIRST, M_OBJ_KEY -> {
        if (c == '"') {
          return withMode(s, M_KEY);
        }
        return c == '}' && mode == M_OBJ_FIRST ? pop(s, true) : INVALID;
      }
      case M_COLON -> {
        return c == ':' ? withMode(s, M_VALUE) : INVALID;
      }
      case M_AFTER -> {
        boolean object = topIsObject(s);
        if (c == ',') {
          return withMode(s, object ? M_OBJ_KEY : M_VALUE);
        }
        return c == (object ? '}' : ']') ? pop(s, object) : INVALID;
      }
      case M_VALUE, M_ARR_FIRST -> {
        if (c == ']' && mode == M_ARR_FIRST) {
          return pop(s, false);
        }
        return valueStart(s, c);
      }
      default -> throw new IllegalStateException("mode " + mode);
    }
  }

  /** The first character of a value. */
  private static long valueStart(long s, char c) {
    return switch (c) {
      case '{' -> push(s, true);
      case '[' -> push(s, false);
      case '"' -> withMode(s, M_STR);
      case '-' -> withMode(s, M_NUM_MINUS);
      case '0' -> withMode(s, M_NUM_ZERO);
      case 't' -> withSub(withMode(s, M_LITERAL), 1);
      case 'f' -> withSub(withMode(s, M_LITERAL), 5 + 1);
      case 'n' -> withSub(withMode(s, M_LITERAL), 10 + 1);
      default -> isDigit(c) ? withMode(s, M_NUM_INT) : INVALID;
    };
  }

  private static long push(long s, boolean object) {
    int depth = depth(s);
    if (depth >= MAX_DEPTH) {
      return INVALID;
    }
    long bit = 1L << (20 + depth);
    s = object ? s | bit : s & ~bit;
    return withMode(withDepth(s, depth + 1), object ? M_OBJ_FIRST : M_ARR_FIRST);
  }

  private static long pop(long s, boolean object) {
    int depth = depth(s) - 1;
    s = withDepth(s & ~(1L << (20 + depth)), depth);
    return withMode(s, depth == 0 ? M_DONE : M_AFTER);
  }

  private static boolean topIsObject(long s) {
    return (s >>> (20 + depth(s) - 1) & 1) == 1;
  }

  private static boolean isHexDigit(char c) {
    return isDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
  }

  private static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }

  private static int mode(long s) {
    return (int) (s & 0x1f);
  }

  private static int depth(long s) {
    return (int) (s >>> 5 & 0x3f);
  }

  private static int sub(long s) {
    return (int) (s >>> 11 & 0xf);
  }

  private static long withMode(long s, int mode) {
    return s & ~0x1fL | mode;
  }

  private static long withDepth(long s, int depth) {
    return s & ~(0x3fL << 5) | (long) depth << 5;
  }

  private static long withSub(long s, int sub) {
    return s & ~(0xfL << 11) | (long) sub << 11;
  }
}
