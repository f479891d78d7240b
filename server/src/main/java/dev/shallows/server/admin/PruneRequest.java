package dev.shallows.server.admin;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.shallows.server.openai.LenientRequest;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** {@code POST /admin/prune}: make a pruned (and optionally healed) variant as an async job. */
@Schema(name = "PruneRequest")
public class PruneRequest extends LenientRequest {

  @Schema(description = "angular (default), last or block-influence")
  public String strategy;

  @Schema(description = "Layers to drop (give n or fraction)")
  public Integer n;

  @Schema(description = "Fraction of layers to drop, rounded to the nearest count")
  public Double fraction;

  @JsonProperty("calibration_data")
  @Schema(description = "Text file or directory under an allowed dir; default: built-in text")
  public String calibrationData;

  @JsonProperty("calibration_samples")
  @Schema(description = "Calibration sequences (default 32)")
  public Integer calibrationSamples;

  @Schema(description = "Variant name; default pruned-<n> (pruned-<n>-<strategy> if not angular)")
  public String name;

  @Schema(description = "Heal the pruned variant with LoRA/QLoRA; null = no healing")
  public Heal heal;

  /** Healing settings. */
  public static class Heal extends LenientRequest {
    @Schema(description = "lora (default) or qlora")
    public String method;

    @Schema(description = "Optimizer steps (default 20)")
    public Integer steps;

    @Schema(description = "LoRA rank (default 8)")
    public Integer rank;

    @Schema(description = "Peak learning rate (default 1e-3)")
    public Double lr;

    @JsonProperty("batch_size")
    public Integer batchSize;

    @JsonProperty("seq_len")
    public Integer seqLen;

    @Schema(
        description =
            "Training text (file or directory under an allowed dir); default: the calibration text")
    public String data;

    public Long seed;
  }
}
