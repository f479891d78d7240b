package dev.shallows.server.evals;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.shallows.server.openai.LenientRequest;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** {@code POST /v1/evals}: evaluate variants on the same items as an async job. */
@Schema(name = "EvalRequest")
public class EvalRequest extends LenientRequest {

  @Schema(
      description =
          "mmlu, mmlu-cloze, boolq, arc (multiple choice), or loss (normalized next-token loss)")
  public String task;

  @Schema(description = "A built-in dataset: a file or directory name under <model dir>/eval/")
  public String dataset;

  @Schema(
      description = "A file or directory in the task's format under shallows.evals.allowed-dirs")
  public String path;

  @Schema(description = "Inline multiple-choice items (task must be mmlu or absent)")
  public List<InlineItem> items;

  @Schema(description = "Variants to compare (default: every loaded variant)")
  public List<String> variants;

  @Schema(description = "Solved examples in each prompt (mmlu, arc; default 0)")
  public Integer shots;

  @Schema(description = "Most items or documents (default: all)")
  public Integer limit;

  @JsonProperty("loss_path")
  @Schema(
      description =
          "Held-out text for the normalized loss beside the accuracy; default: the built-in calibration text")
  public String lossPath;

  /** One inline question. */
  public static class InlineItem extends LenientRequest {
    @Schema(required = true)
    public String question;

    @Schema(required = true, description = "2 to 26 answer texts, lettered A, B, ...")
    public List<String> choices;

    @Schema(required = true, description = "Index of the correct choice")
    public Integer answer;
  }
}
