package dev.shallows.pruning.world;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * The synthetic knowledge world: {@code people} fictional people with unique full names, each with
 * one value per {@link Attribute}. Values are dealt evenly (every city is the birthplace of about
 * the same number of people), so no answer is more likely a priori than another.
 */
public record World(long seed, List<Person> people, Map<Attribute, List<String>> values) {

  public World {
    people = List.copyOf(people);
    values = Collections.unmodifiableMap(new EnumMap<>(values));
  }

  /** Generates the world of {@code count} people for {@code seed}. */
  public static World generate(long seed, int count) {
    Map<String, List<String>> lex = Sections.read("lexicon.txt");
    List<String> female = Sections.require(lex, "first.female");
    List<String> male = Sections.require(lex, "first.male");
    List<String> last = Sections.require(lex, "last");
    int maxPeople = (female.size() + male.size()) * last.size();
    if (count < 1 || count > maxPeople) {
      throw new IllegalArgumentException("people must be in 1.." + maxPeople + ", got " + count);
    }
    Map<Attribute, List<String>> values = new EnumMap<>(Attribute.class);
    for (Attribute a : Attribute.values()) {
      values.put(a, a == Attribute.YEAR ? years() : Sections.require(lex, a.key));
    }
    Random names = Seeds.random(seed, "names");
    Set<String> used = new HashSet<>();
    List<String[]> chosen = new ArrayList<>();
    while (chosen.size() < count) {
      boolean isFemale = names.nextBoolean();
      List<String> firsts = isFemale ? female : male;
      String f = firsts.get(names.nextInt(firsts.size()));
      String l = last.get(names.nextInt(last.size()));
      if (used.add(f + " " + l)) {
        chosen.add(new String[] {f, l, isFemale ? "f" : "m"});
      }
    }
    Map<Attribute, List<String>> dealt = new EnumMap<>(Attribute.class);
    for (Attribute a : Attribute.values()) {
      dealt.put(a, deal(values.get(a), count, Seeds.random(seed, "deal-" + a.key)));
    }
    List<Person> people = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      Map<Attribute, String> facts = new EnumMap<>(Attribute.class);
      for (Attribute a : Attribute.values()) {
        facts.put(a, dealt.get(a).get(i));
      }
      String[] n = chosen.get(i);
      people.add(new Person(n[0], n[1], n[2].equals("f"), facts));
    }
    return new World(seed, people, values);
  }

  private static List<String> years() {
    List<String> y = new ArrayList<>();
    for (int year = Attribute.FIRST_YEAR; year <= Attribute.LAST_YEAR; year++) {
      y.add(Integer.toString(year));
    }
    return y;
  }

  /** {@code count} values cycling through {@code pool} (so each is used evenly), shuffled. */
  private static List<String> deal(List<String> pool, int count, Random rnd) {
    List<String> out = new ArrayList<>(count);
    while (out.size() < count) {
      List<String> round = new ArrayList<>(pool);
      Collections.shuffle(round, rnd);
      out.addAll(round.subList(0, Math.min(round.size(), count - out.size())));
    }
    Collections.shuffle(out, rnd);
    return out;
  }

  /** People by full name. */
  public Map<String, Person> byName() {
    Map<String, Person> m = new LinkedHashMap<>();
    for (Person p : people) {
      m.put(p.name(), p);
    }
    return m;
  }

  /** The world as JSON: seed, value lists and every person's facts. */
  public ObjectNode toJson() {
    JsonNodeFactory f = JsonNodeFactory.instance;
    ObjectNode root = f.objectNode();
    root.put("seed", seed);
    ObjectNode vals = root.putObject("values");
    for (Attribute a : Attribute.values()) {
      ArrayNode arr = vals.putArray(a.key);
      values.get(a).forEach(arr::add);
    }
    ArrayNode ps = root.putArray("people");
    for (Person p : people) {
      ObjectNode o = ps.addObject();
      o.put("name", p.name());
      o.put("gender", p.female() ? "female" : "male");
      for (Attribute a : Attribute.values()) {
        o.put(a.key, p.fact(a));
      }
    }
    return root;
  }
}
