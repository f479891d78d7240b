package dev.shallows.server.routing;

import dev.shallows.server.error.ApiException;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * An immutable A/B split: variant name to a non-negative weight (weights need not sum to 100), and
 * an optional shadow variant that also runs every routed request.
 *
 * @param weights variant to weight, in declaration order
 * @param shadow the shadow variant, or empty
 */
public record RoutingTable(Map<String, Double> weights, Optional<String> shadow) {

  public RoutingTable {
    if (weights.isEmpty()) {
      throw ApiException.badRequest("split", "the split must name at least one variant");
    }
    double total = 0;
    for (Map.Entry<String, Double> e : weights.entrySet()) {
      if (e.getValue() == null || !(e.getValue() >= 0) || e.getValue().isInfinite()) {
        throw ApiException.badRequest(
            "split." + e.getKey(), "weights must be finite and >= 0, got " + e.getValue());
      }
      total += e.getValue();
    }
    if (!(total > 0)) {
      throw ApiException.badRequest("split", "at least one weight must be > 0");
    }
    weights = Collections.unmodifiableMap(new LinkedHashMap<>(weights));
  }

  /** Parses {@code full=90,pruned-1=10} (the config form). */
  public static RoutingTable parse(String split, Optional<String> shadow) {
    Map<String, Double> w = new LinkedHashMap<>();
    for (String part : split.split(",")) {
      String p = part.trim();
      if (p.isEmpty()) {
        continue;
      }
      int eq = p.indexOf('=');
      if (eq <= 0) {
        throw ApiException.badRequest("split", "expected variant=weight, got '" + p + "'");
      }
      try {
        w.put(p.substring(0, eq).trim(), Double.parseDouble(p.substring(eq + 1).trim()));
      } catch (NumberFormatException e) {
        throw ApiException.badRequest("split", "not a number in '" + p + "'");
      }
    }
    return new RoutingTable(w, shadow.filter(s -> !s.isBlank()));
  }

  /** The configured form, {@code full=90.0,pruned-1=10.0}. */
  public String format() {
    StringBuilder sb = new StringBuilder();
    weights.forEach((k, v) -> sb.append(sb.isEmpty() ? "" : ",").append(k).append('=').append(v));
    return sb.toString();
  }
}
