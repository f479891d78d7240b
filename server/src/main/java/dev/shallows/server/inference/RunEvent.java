package dev.shallows.server.inference;

import dev.shallows.engine.generate.GenerationResult;
import dev.shallows.engine.generate.PromptLogprob;
import dev.shallows.engine.generate.TokenEvent;
import java.util.List;

/**
 * What a running request's generations report, tagged with the choice index; consumed by the
 * streaming writer in order.
 */
public sealed interface RunEvent {

  /** The choice (OpenAI {@code index}) the event belongs to. */
  int choice();

  /** Prompt-token logprobs (echo + logprobs), before any token. */
  record Prompt(int choice, List<PromptLogprob> logprobs) implements RunEvent {}

  /** One generated token. */
  record Token(int choice, TokenEvent event) implements RunEvent {}

  /** A choice finished. */
  record Done(int choice, GenerationResult result) implements RunEvent {}

  /** A choice failed in the engine. */
  record Failed(int choice, Throwable error) implements RunEvent {}
}
