package dev.shallows.engine.generate.json.schema;

import dev.shallows.engine.generate.regex.CharAutomaton;
import java.util.ArrayList;
import java.util.List;

/**
 * A compiled JSON Schema node. Nodes compare by identity: a {@code $ref} can make the graph cyclic
 * (a tree whose children are trees), and the recognizer's states hold nodes, not copies.
 */
sealed interface SchemaNode {

  /**
   * An object: the declared properties in schema order, or free keys whose values match one node.
   */
  final class ObjectNode implements SchemaNode {
    final List<Property> properties;
    final SchemaNode freeValues; // null: no keys besides the declared ones

    ObjectNode(List<Property> properties, SchemaNode freeValues) {
      this.properties = List.copyOf(properties);
      this.freeValues = properties.isEmpty() ? freeValues : null;
    }

    /** Free keys (any string) instead of declared properties. */
    boolean free() {
      return freeValues != null;
    }

    /** Whether the object may close once the properties before {@code next} are settled. */
    boolean mayClose(int next) {
      for (int i = next; i < properties.size(); i++) {
        if (properties.get(i).required()) {
          return false;
        }
      }
      return true;
    }

    /**
     * Whether property {@code i} may be the next key once the properties before {@code next} are
     * settled: every property it skips is optional.
     */
    boolean mayCome(int next, int i) {
      for (int j = next; j < i; j++) {
        if (properties.get(j).required()) {
          return false;
        }
      }
      return i >= next && i < properties.size();
    }
  }

  /**
   * One declared property.
   *
   * @param keyText the key as written: JSON-escaped, with its quotes
   */
  record Property(String name, String keyText, SchemaNode value, boolean required) {}

  /**
   * An array with a count of items between the bounds: the first items match the {@code prefix}
   * nodes in order (a tuple, {@code prefixItems}), the rest match {@code items}.
   */
  final class ArrayNode implements SchemaNode {
    final List<SchemaNode> prefix;
    final SchemaNode items;
    final int minItems;
    final int maxItems;

    ArrayNode(List<SchemaNode> prefix, SchemaNode items, int minItems, int maxItems) {
      this.prefix = prefix;
      this.items = items;
      this.minItems = minItems;
      this.maxItems = maxItems;
    }

    /** The node of the item at {@code index} (0-based). */
    SchemaNode itemAt(int index) {
      return index < prefix.size() ? prefix.get(index) : items;
    }
  }

  /**
   * A string whose length (in code points, escapes counting one) lies between the bounds, or whose
   * decoded value an automaton follows (pattern, format; the bounds are then folded into it).
   */
  final class StringNode implements SchemaNode {
    final int minLength;
    final int maxLength;
    final CharAutomaton pattern; // null: any characters

    StringNode(int minLength, int maxLength) {
      this.minLength = minLength;
      this.maxLength = maxLength;
      this.pattern = null;
    }

    StringNode(CharAutomaton pattern) {
      this.minLength = 0;
      this.maxLength = Integer.MAX_VALUE;
      this.pattern = pattern;
    }

    /** Lengths are tracked up to this; beyond it they no longer matter (0: not tracked). */
    int lengthCap() {
      return maxLength == Integer.MAX_VALUE ? minLength : maxLength + 1;
    }
  }

  /**
   * A JSON number; an integer has neither fraction nor exponent. A bounded one's text follows an
   * automaton of the numbers in its range ({@link IntegerRange}, {@link NumberRange}).
   */
  final class NumberNode implements SchemaNode {
    final boolean integer;
    final CharAutomaton range; // null: any number of the kind

    NumberNode(boolean integer) {
      this(integer, null);
    }

    NumberNode(boolean integer, CharAutomaton range) {
      this.integer = integer;
      this.range = range;
    }
  }

  /** One of a fixed set of JSON texts, written exactly (enum, const, booleans, null). */
  final class LiteralNode implements SchemaNode {
    final List<String> texts;

    LiteralNode(List<String> texts) {
      this.texts = List.copyOf(texts);
    }
  }

  /** Any one of several nodes (anyOf, or a list of types). */
  final class AnyOfNode implements SchemaNode {
    final List<SchemaNode> options;

    AnyOfNode(List<SchemaNode> options) {
      this.options = options;
    }
  }

  /** A {@code $ref}, resolved once the whole schema is compiled. */
  final class RefNode implements SchemaNode {
    final String ref;
    SchemaNode target;

    RefNode(String ref) {
      this.ref = ref;
    }
  }

  /** Any JSON value: objects with free keys of any values, arrays of any values, the scalars. */
  SchemaNode ANY = any();

  private static SchemaNode any() {
    List<SchemaNode> options = new ArrayList<>();
    AnyOfNode any = new AnyOfNode(options);
    options.add(new ObjectNode(List.of(), any));
    options.add(new ArrayNode(List.of(), any, 0, Integer.MAX_VALUE));
    options.add(new StringNode(0, Integer.MAX_VALUE));
    options.add(new NumberNode(false));
    options.add(new LiteralNode(List.of("true", "false", "null")));
    return any;
  }

  /** The node a value of this node starts with: refs followed. */
  static SchemaNode resolve(SchemaNode n) {
    int hops = 0;
    while (n instanceof RefNode r) {
      if (++hops > 64 || r.target == null) {
        throw new IllegalStateException("unresolved $ref " + r.ref);
      }
      n = r.target;
    }
    return n;
  }
}
