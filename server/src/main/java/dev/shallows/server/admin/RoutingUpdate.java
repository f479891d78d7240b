package dev.shallows.server.admin;

import dev.shallows.server.openai.LenientRequest;
import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** {@code PUT /admin/routing}: the new split (and shadow), effective at once. */
@Schema(name = "RoutingUpdate")
public class RoutingUpdate extends LenientRequest {

  @Schema(description = "variant -> weight, e.g. {\"full\": 90, \"pruned-1\": 10}", required = true)
  public Map<String, Double> split;

  @Schema(description = "Variant that shadows every routed request; null or empty = none")
  public String shadow;
}
