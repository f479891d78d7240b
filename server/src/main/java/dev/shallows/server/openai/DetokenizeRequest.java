package dev.shallows.server.openai;

import java.util.List;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** {@code POST /detokenize} body (vLLM's shape). */
@Schema(name = "DetokenizeRequest")
public class DetokenizeRequest extends LenientRequest {

  @Schema(required = true)
  public String model;

  @Schema(required = true, description = "Token ids")
  public List<Integer> tokens;
}
