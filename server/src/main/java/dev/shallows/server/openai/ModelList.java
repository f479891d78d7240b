package dev.shallows.server.openai;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** {@code GET /v1/models}: the model and one {@code <model>:<variant>} entry per loaded variant. */
public record ModelList(String object, List<Model> data) {

  /** A model entry (OpenAI fields plus Shallows extensions). */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Model(
      String id,
      String object,
      long created,
      @JsonProperty("owned_by") String ownedBy,
      @Schema(description = "Extension: the parent model of a variant") String parent,
      @Schema(description = "Extension: the variant name") String variant,
      @Schema(description = "Extension: original indices of the layers this variant runs")
          int[] layers,
      @JsonProperty("max_model_len") @Schema(description = "Extension: context length")
          Integer maxModelLen) {}
}
