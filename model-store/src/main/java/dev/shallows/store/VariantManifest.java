package dev.shallows.store;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * How a model variant was made, stored as {@value #FILE_NAME} beside its config.json: the source
 * model (directory and weights hash), the pruning strategy, the removed and kept layers as ORIGINAL
 * 0-based indices of the source model, the distances behind the choice, the calibration data, and
 * optionally how it was healed. Written by the pruning module, read by the server's variant
 * registry.
 *
 * @param format always {@value #FORMAT}
 * @param sourceModel the source model directory as given
 * @param sourceSha256 sha256 of the source weights (see the pruning module's WeightsHash)
 * @param sourceLayers num_hidden_layers of the source
 * @param strategy angular, last, block-influence (or another producer's name)
 * @param n number of layers removed
 * @param removedLayers original indices of the removed layers, ascending
 * @param keptLayers original indices of the kept layers, in order; kept[i] became layer i
 * @param blockDistance mean angular distance across the removed block, or null
 * @param distances the whole distance table, distances[n-1][ℓ], or null when not computed
 * @param calibration description of the calibration data, or null when none was used
 * @param createdAt ISO-8601 instant
 * @param healing healing config and loss curve (written by the healing code), or null
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record VariantManifest(
    @JsonProperty("format") String format,
    @JsonProperty("source_model") String sourceModel,
    @JsonProperty("source_sha256") String sourceSha256,
    @JsonProperty("source_layers") int sourceLayers,
    @JsonProperty("strategy") String strategy,
    @JsonProperty("n") int n,
    @JsonProperty("removed_layers") List<Integer> removedLayers,
    @JsonProperty("kept_layers") List<Integer> keptLayers,
    @JsonProperty("block_distance") Double blockDistance,
    @JsonProperty("distances") List<List<Double>> distances,
    @JsonProperty("calibration") String calibration,
    @JsonProperty("created_at") String createdAt,
    @JsonProperty("healing") JsonNode healing) {

  public static final String FILE_NAME = "shallows-variant.json";
  public static final String FORMAT = "shallows-variant/1";

  public VariantManifest {
    removedLayers = List.copyOf(removedLayers);
    keptLayers = List.copyOf(keptLayers);
    if (removedLayers.size() != n) {
      throw new IllegalArgumentException(
          "manifest: n=" + n + " but " + removedLayers.size() + " removed layers");
    }
    if (removedLayers.size() + keptLayers.size() != sourceLayers) {
      throw new IllegalArgumentException(
          "manifest: removed + kept layers do not add up to the source's " + sourceLayers);
    }
  }

  /** A copy with the healing record set (used when a pruned variant is healed). */
  public VariantManifest withHealing(JsonNode healingRecord) {
    return new VariantManifest(
        format,
        sourceModel,
        sourceSha256,
        sourceLayers,
        strategy,
        n,
        removedLayers,
        keptLayers,
        blockDistance,
        distances,
        calibration,
        createdAt,
        healingRecord);
  }

  /** Writes {@value #FILE_NAME} into a directory. */
  public void write(Path dir) {
    try {
      LlamaConfig.JSON.writeValue(dir.resolve(FILE_NAME).toFile(), this);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + dir.resolve(FILE_NAME), e);
    }
  }

  /** Reads {@value #FILE_NAME} from a model directory. */
  public static VariantManifest read(Path dir) {
    Path f = dir.resolve(FILE_NAME);
    try {
      return LlamaConfig.JSON.readValue(f.toFile(), VariantManifest.class);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + f + ": " + e.getMessage(), e);
    }
  }

  /** Whether a model directory carries a variant manifest. */
  public static boolean exists(Path dir) {
    return Files.isRegularFile(dir.resolve(FILE_NAME));
  }
}
