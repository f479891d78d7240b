package dev.shallows.engine.generate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/** Validation names the bad parameter; defaults follow OpenAI. */
class SamplingParamsTest {

  @Test
  void defaultsAreOpenAis() {
    SamplingParams d = SamplingParams.defaults();
    assertEquals(1.0, d.temperature());
    assertEquals(1.0, d.topP());
    assertEquals(16, d.maxTokens());
    assertFalse(d.isGreedy());
    assertFalse(d.hasPenalties());
    assertTrue(SamplingParams.greedy(5).isGreedy());
    assertEquals(d, d.toBuilder().build());
  }

  @Test
  void eachBadValueNamesItsParameter() {
    assertBad("temperature", b -> b.temperature(-0.1));
    assertBad("temperature", b -> b.temperature(Double.NaN));
    assertBad("top_p", b -> b.topP(0));
    assertBad("top_p", b -> b.topP(1.01));
    assertBad("top_k", b -> b.topK(-1));
    assertBad("repetition_penalty", b -> b.repetitionPenalty(0));
    assertBad("presence_penalty", b -> b.presencePenalty(2.5));
    assertBad("frequency_penalty", b -> b.frequencyPenalty(-2.01));
    assertBad("max_tokens", b -> b.maxTokens(-1));
    assertBad("logprobs", b -> b.logprobs(21));
    assertBad("logprobs", b -> b.logprobs(-1));
    assertBad("stop", b -> b.stop(List.of("ok", "")));
    assertBad("stop_token_ids", b -> b.stopTokenIds(List.of(-3)));
  }

  @Test
  void boundaryValuesAreAccepted() {
    SamplingParams p =
        SamplingParams.builder()
            .temperature(0)
            .topP(1)
            .topK(0)
            .presencePenalty(-2)
            .frequencyPenalty(2)
            .maxTokens(0)
            .logprobs(20)
            .build();
    assertTrue(p.hasPenalties());
  }

  private static void assertBad(String param, UnaryOperator<SamplingParams.Builder> change) {
    BadParameterException e =
        assertThrows(
            BadParameterException.class, () -> change.apply(SamplingParams.builder()).build());
    assertEquals(param, e.param());
    assertTrue(e.getMessage().startsWith(param + ": "), e.getMessage());
  }
}
