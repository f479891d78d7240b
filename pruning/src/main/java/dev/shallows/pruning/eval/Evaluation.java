package dev.shallows.pruning.eval;

import dev.shallows.engine.Decoder;
import dev.shallows.pruning.Cancellation;
import dev.shallows.pruning.ProgressListener;
import dev.shallows.pruning.data.TextDocuments;
import dev.shallows.pruning.data.TokenEncoder;
import java.util.List;

/**
 * The evaluation entry point for the CLI, the sweep and the server: loads a task's data and runs it
 * on one model view, reporting progress and honouring cancellation between items.
 */
public final class Evaluation {

  private Evaluation() {}

  /** The multiple-choice items of a task (not for {@code loss}). */
  public static List<ChoiceItem> items(EvalSpec spec) {
    return switch (spec.task()) {
      case "mmlu" -> MmluTask.load(spec.data(), spec.shots(), spec.limit());
      case "mmlu-cloze" -> MmluTask.loadCloze(spec.data(), spec.shots(), spec.limit());
      case "boolq" -> JsonlTasks.boolq(spec.data(), spec.shots(), spec.limit());
      case "arc" -> JsonlTasks.arc(spec.data(), spec.shots(), spec.limit());
      default -> throw new IllegalArgumentException(spec.task() + " is not multiple choice");
    };
  }

  /** How a multiple-choice task compares its answers: per byte for written-out answers. */
  public static MultipleChoiceEval.Scoring scoring(String task) {
    return task.equals("mmlu-cloze")
        ? MultipleChoiceEval.Scoring.PER_BYTE
        : MultipleChoiceEval.Scoring.SUM;
  }

  /** Runs {@code spec} on {@code decoder}. */
  public static EvalResult run(
      Decoder decoder,
      TokenEncoder encoder,
      EvalSpec spec,
      ProgressListener progress,
      Cancellation cancel) {
    if (spec.task().equals("loss")) {
      List<String> docs = TextDocuments.read(spec.data(), spec.limit());
      return new LossEval(decoder, encoder, spec.maxTokens())
          .run(spec.describe(), docs, progress, cancel);
    }
    return new MultipleChoiceEval(decoder, encoder, spec.maxTokens(), scoring(spec.task()))
        .run(spec.task(), spec.describe(), items(spec), spec.shots(), progress, cancel);
  }
}
