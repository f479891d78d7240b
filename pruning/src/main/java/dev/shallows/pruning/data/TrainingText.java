package dev.shallows.pruning.data;

/**
 * One training document: a prompt the model reads but is not trained to produce, and the completion
 * it is trained on (next-token loss only over the completion's tokens). Plain text is a completion
 * with an empty prompt: every token counts.
 *
 * @param prompt the unscored start ("" for plain text)
 * @param completion the scored rest, never empty
 */
public record TrainingText(String prompt, String completion) {

  public TrainingText {
    if (prompt == null || completion == null || completion.isEmpty()) {
      throw new IllegalArgumentException("a training document needs a non-empty completion");
    }
  }

  /** Plain text, every token scored. */
  public static TrainingText plain(String text) {
    return new TrainingText("", text);
  }

  /** Prompt and completion as one text, as the model reads it. */
  public String text() {
    return prompt + completion;
  }
}
