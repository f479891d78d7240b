package dev.shallows.pruning.world;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * The sentence templates of the world (resource {@code phrasebook.txt}): several paraphrases per
 * attribute for training statements, training quiz questions, and separate evaluation-only question
 * phrasings.
 */
public final class Phrasebook {

  /** Which template list: training statements and questions, or evaluation-only questions. */
  public enum Kind {
    FACT("fact"),
    QUIZ("quiz"),
    YESNO("yesno"),
    EVAL("eval"),
    EVAL_YESNO("eval.yesno");

    final String suffix;

    Kind(String suffix) {
      this.suffix = suffix;
    }
  }

  private final Map<Attribute, Map<Kind, List<String>>> templates = new EnumMap<>(Attribute.class);

  /** Loads the built-in phrasebook. */
  public Phrasebook() {
    Map<String, List<String>> sections = Sections.read("phrasebook.txt");
    for (Attribute a : Attribute.values()) {
      Map<Kind, List<String>> byKind = new EnumMap<>(Kind.class);
      for (Kind k : Kind.values()) {
        byKind.put(k, Sections.require(sections, a.key + "." + k.suffix));
      }
      templates.put(a, byKind);
    }
  }

  public List<String> templates(Attribute a, Kind k) {
    return templates.get(a).get(k);
  }

  /** A statement of {@code p}'s fact {@code a}, naming them or using a pronoun. */
  public String fact(Person p, Attribute a, boolean byName, Random rnd) {
    List<String> t = templates(a, Kind.FACT);
    return capitalize(render(t.get(rnd.nextInt(t.size())), p, p.fact(a), byName));
  }

  /** A question of kind {@code k} about {@code p}'s attribute {@code a}, mentioning {@code v}. */
  public String question(Person p, Attribute a, Kind k, String v, Random rnd) {
    List<String> t = templates(a, k);
    return render(t.get(rnd.nextInt(t.size())), p, v, true);
  }

  /**
   * Fills a template's placeholders (see phrasebook.txt). With {@code byName}, the first mention of
   * the person uses the name and later ones a pronoun; otherwise every mention is a pronoun.
   */
  static String render(String template, Person p, String value, boolean byName) {
    String he = p.female() ? "she" : "he";
    String his = p.female() ? "her" : "his";
    String him = p.female() ? "her" : "him";
    StringBuilder out = new StringBuilder();
    boolean named = !byName;
    int i = 0;
    while (i < template.length()) {
      int open = template.indexOf('{', i);
      if (open < 0) {
        out.append(template, i, template.length());
        break;
      }
      int close = template.indexOf('}', open);
      out.append(template, i, open);
      String key = template.substring(open + 1, close);
      String name = p.name();
      String text =
          switch (key) {
            case "v" -> value;
            case "name" -> name;
            case "S" -> named ? capitalize(he) : name;
            case "s" -> named ? he : name;
            case "P" -> named ? capitalize(his) : name + "'s";
            case "p" -> named ? his : name + "'s";
            case "O" -> named ? him : name;
            default -> throw new IllegalArgumentException("unknown placeholder {" + key + "}");
          };
      if (!key.equals("v")) {
        named = true;
      }
      out.append(text);
      i = close + 1;
    }
    return out.toString();
  }

  static String capitalize(String s) {
    return s.isEmpty() ? s : Character.toUpperCase(s.charAt(0)) + s.substring(1);
  }
}
