package dev.shallows.server.openai;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** {@code POST /v1/embeddings} body (OpenAI's shape). */
@Schema(name = "EmbeddingRequest")
public class EmbeddingRequest extends LenientRequest {

  @Schema(required = true)
  public String model;

  @Schema(
      required = true,
      description = "A string, an array of strings, an array of token ids, or an array of those")
  public JsonNode input;

  @JsonProperty("encoding_format")
  @Schema(description = "float (default) or base64 (little-endian float32)")
  public String encodingFormat;

  @Schema(description = "Must equal the model's hidden size when given")
  public Integer dimensions;

  public String user;
}
