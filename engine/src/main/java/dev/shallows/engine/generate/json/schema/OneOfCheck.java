package dev.shallows.engine.generate.json.schema;

import dev.shallows.engine.generate.json.schema.SchemaNode.AnyOfNode;
import dev.shallows.engine.generate.json.schema.SchemaNode.ArrayNode;
import dev.shallows.engine.generate.json.schema.SchemaNode.LiteralNode;
import dev.shallows.engine.generate.json.schema.SchemaNode.NumberNode;
import dev.shallows.engine.generate.json.schema.SchemaNode.ObjectNode;
import dev.shallows.engine.generate.json.schema.SchemaNode.Property;
import dev.shallows.engine.generate.json.schema.SchemaNode.StringNode;
import java.util.Collections;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;

/**
 * When a {@code oneOf} can be decoded as an {@code anyOf}: when no value can match two of its
 * options, "exactly one" and "at least one" are the same. A sufficient test, pair by pair: the
 * options allow different JSON types, or they are literals with no text in common, or both are
 * objects with a required property whose allowed values are literals with no text in common (the
 * discriminated unions Pydantic writes).
 */
final class OneOfCheck {

  private OneOfCheck() {}

  /** Whether no value matches two of {@code options}. */
  static boolean disjoint(List<SchemaNode> options) {
    for (int i = 0; i < options.size(); i++) {
      for (int j = i + 1; j < options.size(); j++) {
        if (!disjoint(options.get(i), options.get(j))) {
          return false;
        }
      }
    }
    return true;
  }

  private static boolean disjoint(SchemaNode a, SchemaNode b) {
    a = SchemaNode.resolve(a);
    b = SchemaNode.resolve(b);
    Set<Character> ka = kinds(a, newSet());
    Set<Character> kb = kinds(b, newSet());
    if (Collections.disjoint(ka, kb)) {
      return true;
    }
    if (a instanceof LiteralNode la && b instanceof LiteralNode lb) {
      return Collections.disjoint(la.texts, lb.texts);
    }
    if (a instanceof ObjectNode oa && b instanceof ObjectNode ob) {
      for (Property pa : oa.properties) {
        for (Property pb : ob.properties) {
          if (pa.required()
              && pb.required()
              && pa.name().equals(pb.name())
              && SchemaNode.resolve(pa.value()) instanceof LiteralNode va
              && SchemaNode.resolve(pb.value()) instanceof LiteralNode vb
              && Collections.disjoint(va.texts, vb.texts)) {
            return true;
          }
        }
      }
    }
    return false;
  }

  /** The JSON types a node allows, by the first character of their texts ('0' for numbers). */
  private static Set<Character> kinds(SchemaNode n, Set<SchemaNode> seen) {
    n = SchemaNode.resolve(n);
    Set<Character> out = new HashSet<>();
    if (!seen.add(n)) {
      return out;
    }
    if (n instanceof AnyOfNode any) {
      for (SchemaNode o : any.options) {
        out.addAll(kinds(o, seen));
      }
    } else if (n instanceof ObjectNode) {
      out.add('{');
    } else if (n instanceof ArrayNode) {
      out.add('[');
    } else if (n instanceof StringNode) {
      out.add('"');
    } else if (n instanceof NumberNode) {
      out.add('0');
    } else if (n instanceof LiteralNode l) {
      for (String t : l.texts) {
        char c = t.charAt(0);
        out.add(c == '-' || Character.isDigit(c) ? '0' : c);
      }
    }
    return out;
  }

  private static Set<SchemaNode> newSet() {
    return Collections.newSetFromMap(new IdentityHashMap<>());
  }
}
