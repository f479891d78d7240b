package dev.shallows.pruning.world;

import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;

/** One person of the synthetic world: a unique full name, a grammatical gender and their facts. */
public record Person(String first, String last, boolean female, Map<Attribute, String> facts) {

  public Person {
    EnumMap<Attribute, String> copy = new EnumMap<>(Attribute.class);
    copy.putAll(facts);
    if (copy.size() != Attribute.values().length) {
      throw new IllegalArgumentException(first + " " + last + " lacks facts: " + facts.keySet());
    }
    facts = Collections.unmodifiableMap(copy);
  }

  public String name() {
    return first + " " + last;
  }

  public String fact(Attribute a) {
    return facts.get(a);
  }
}
