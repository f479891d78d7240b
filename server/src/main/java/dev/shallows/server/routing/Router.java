package dev.shallows.server.routing;

import dev.shallows.server.error.ApiException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Chooses the variant that serves a request. {@code model} names the model (then the A/B split
 * decides) or forces a variant as {@code <model>:<variant>}. With a sticky key (the {@code user}
 * field or the session header) the choice is a hash of the key, so one user always sees one variant
 * while the split is unchanged; without one it is random. Variants of the split that are not loaded
 * are skipped (their weight is shared among the rest). The table is swapped atomically.
 */
public final class Router {

  private final String modelName;
  private final AtomicReference<RoutingTable> table;

  public Router(String modelName, RoutingTable initial) {
    this.modelName = modelName;
    this.table = new AtomicReference<>(initial);
  }

  /** Where a request goes. */
  public record Decision(String variant, boolean forced, Optional<String> shadow) {}

  public RoutingTable table() {
    return table.get();
  }

  /** Replaces the split; every variant named must be loaded. */
  public void update(RoutingTable next, Set<String> loaded) {
    for (String v : next.weights().keySet()) {
      if (!loaded.contains(v)) {
        throw ApiException.badRequest("split." + v, "variant '" + v + "' is not loaded");
      }
    }
    next.shadow()
        .filter(s -> !loaded.contains(s))
        .ifPresent(
            s -> {
              throw ApiException.badRequest("shadow", "variant '" + s + "' is not loaded");
            });
    table.set(next);
  }

  /**
   * The variant {@code model} names ({@code <model>:<variant>}, one of {@code loaded}), or null for
   * the model itself; 404 for another model or an unknown variant.
   */
  public String forcedVariant(String model, Set<String> loaded) {
    int colon = model.lastIndexOf(':');
    String name = colon > 0 ? model.substring(0, colon) : model;
    String variant = colon > 0 ? model.substring(colon + 1) : null;
    if (!name.equals(modelName) || (variant != null && !loaded.contains(variant))) {
      throw ApiException.modelNotFound("model", model);
    }
    return variant;
  }

  /**
   * Routes {@code model} for a caller with an optional sticky key, among {@code loaded} variants.
   * 404 for another model or an unknown variant.
   */
  public Decision route(String model, String stickyKey, Set<String> loaded) {
    String variant = forcedVariant(model, loaded);
    if (variant != null) {
      return new Decision(variant, true, Optional.empty());
    }
    RoutingTable t = table.get();
    List<Map.Entry<String, Double>> live = new ArrayList<>();
    double total = 0;
    for (Map.Entry<String, Double> e : t.weights().entrySet()) {
      if (loaded.contains(e.getKey()) && e.getValue() > 0) {
        live.add(e);
        total += e.getValue();
      }
    }
    if (live.isEmpty()) {
      throw new ApiException(
          503, "server_error", "model", "no_variant", "no variant of the split is loaded");
    }
    double u =
        stickyKey == null || stickyKey.isEmpty()
            ? ThreadLocalRandom.current().nextDouble()
            : unitHash(stickyKey);
    double x = u * total;
    String chosen = live.get(live.size() - 1).getKey();
    for (Map.Entry<String, Double> e : live) {
      x -= e.getValue();
      if (x < 0) {
        chosen = e.getKey();
        break;
      }
    }
    String c = chosen;
    Optional<String> shadow = t.shadow().filter(s -> !s.equals(c) && loaded.contains(s));
    return new Decision(chosen, false, shadow);
  }

  /** A stable hash of the key mapped to [0, 1): 64-bit FNV-1a, then a SplitMix64 finalizer. */
  static double unitHash(String key) {
    long h = 0xcbf29ce484222325L;
    for (byte b : key.getBytes(StandardCharsets.UTF_8)) {
      h ^= (b & 0xff);
      h *= 0x100000001b3L;
    }
    h ^= h >>> 30;
    h *= 0xbf58476d1ce4e5b9L;
    h ^= h >>> 27;
    h *= 0x94d049bb133111ebL;
    h ^= h >>> 31;
    return (h >>> 11) * 0x1.0p-53;
  }
}
