package dev.shallows.pruning.world;

/** The facts every person of the synthetic world has; {@link #key} names lexicon sections. */
public enum Attribute {
  CITY("city", "birth city"),
  YEAR("year", "birth year"),
  EMPLOYER("employer", "employer"),
  FIELD("field", "field"),
  FOOD("food", "favourite food"),
  HOBBY("hobby", "hobby");

  /** First and last birth year (inclusive) of the world's people. */
  public static final int FIRST_YEAR = 1931;

  public static final int LAST_YEAR = 1990;

  public final String key;
  public final String label;

  Attribute(String key, String label) {
    this.key = key;
    this.label = label;
  }
}
