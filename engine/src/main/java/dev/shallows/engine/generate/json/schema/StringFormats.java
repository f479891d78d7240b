package dev.shallows.engine.generate.json.schema;

import dev.shallows.engine.generate.regex.EcmaRegex;
import dk.brics.automaton.Automaton;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * JSON Schema {@code format}s the decoder enforces, each as a pattern whose every match is a valid
 * value of the format (a subset where the full format is not regular or not worth it: dates with a
 * February of 28 days, no leap seconds, UTC offsets within +-17:59 as java.time allows, lowercase
 * UUIDs, e-mail addresses and host names of plain ASCII labels of bounded length, addresses in
 * common top-level domains, IPv6 addresses in full form, durations with counts of up to 4 digits).
 */
final class StringFormats {

  private static final String DATE =
      "[0-9]{4}-(?:(?:0[13578]|1[02])-(?:0[1-9]|[12][0-9]|3[01])"
          + "|(?:0[469]|11)-(?:0[1-9]|[12][0-9]|30)|02-(?:0[1-9]|1[0-9]|2[0-8]))";
  private static final String TIME =
      "(?:[01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](?:\\.[0-9]{1,6})?"
          + "(?:Z|[+-](?:0[0-9]|1[0-7]):[0-5][0-9])";
  private static final String OCTET = "(?:25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])";
  private static final String LABEL = "[a-zA-Z0-9]{1,20}(?:-[a-zA-Z0-9]{1,20}){0,2}";
  private static final String HEX = "[0-9a-f]";

  /** ISO 8601 durations (RFC 3339's appendix A): P, then dates and/or T and times, or weeks. */
  private static final String COUNT = "[0-9]{1,4}";

  private static final String DURATION_DATE =
      "(?:" + COUNT + "Y(?:" + COUNT + "M)?(?:" + COUNT + "D)?|" + COUNT + "M(?:" + COUNT + "D)?|"
          + COUNT + "D)";
  private static final String DURATION_TIME =
      "T(?:" + COUNT + "H(?:" + COUNT + "M)?(?:" + COUNT + "S)?|" + COUNT + "M(?:" + COUNT + "S)?|"
          + COUNT + "S)";

  /** Validators check an address's top-level domain against IANA's list: common ones only. */
  private static final String TOP_LEVEL_DOMAINS =
      "com|org|net|edu|gov|io|dev|ai|app|info|co|uk|de|fr|nl|eu|us|ca|au|jp";

  private static final Map<String, String> PATTERNS = new TreeMap<>();

  static {
    PATTERNS.put("date", DATE);
    PATTERNS.put("time", TIME);
    PATTERNS.put("date-time", DATE + "T" + TIME);
    PATTERNS.put("uuid", HEX + "{8}-" + HEX + "{4}-" + HEX + "{4}-" + HEX + "{4}-" + HEX + "{12}");
    PATTERNS.put("ipv4", OCTET + "(?:\\." + OCTET + "){3}");
    PATTERNS.put("ipv6", HEX + "{1,4}(?::" + HEX + "{1,4}){7}"); // the full form, no "::"
    PATTERNS.put(
        "duration",
        "P(?:"
            + DURATION_DATE
            + "(?:"
            + DURATION_TIME
            + ")?|"
            + DURATION_TIME
            + "|"
            + COUNT
            + "W)");
    PATTERNS.put("hostname", LABEL + "(?:\\." + LABEL + "){0,4}");
    PATTERNS.put(
        "email",
        "[a-zA-Z0-9_+-]{1,20}(?:\\.[a-zA-Z0-9_+-]{1,20}){0,2}@"
            + LABEL
            + "(?:\\."
            + LABEL
            + "){0,3}\\.(?:"
            + TOP_LEVEL_DOMAINS
            + ")");
  }

  private StringFormats() {}

  private static final Map<String, Automaton> COMPILED = new ConcurrentHashMap<>();

  /**
   * The values of a format (minimized, built once; brics operations do not change their operands),
   * or null for a format the decoder does not know.
   */
  static Automaton of(String format) {
    String pattern = PATTERNS.get(format);
    if (pattern == null) {
      return null;
    }
    return COMPILED.computeIfAbsent(
        format,
        f -> {
          Automaton a = EcmaRegex.search("^" + pattern + "$");
          a.minimize();
          return a;
        });
  }

  /** The formats known, for error messages. */
  static String names() {
    return String.join(", ", PATTERNS.keySet());
  }
}
