package dev.shallows.engine.generate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.shallows.engine.Decoder;
import dev.shallows.store.SharedData;
import dev.shallows.store.TextTokenizer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Golden outputs: greedy generation from the imported stories260K reproduces llama2.c's {@code
 * run.c} byte for byte, on every decoder. run.c semantics: start from BOS, {@code -n} counts
 * forward passes including prompt positions, stop if BOS is sampled (EOS is not a stop there), a
 * leading space is dropped after BOS.
 */
class GoldenGenerationTest {

  static Stream<Named<DecoderKind>> decoders() {
    return DecoderKind.all().stream().map(k -> Named.of(k.name(), k));
  }

  @ParameterizedTest
  @MethodSource("decoders")
  void greedy200StepsMatchesLlama2cTestAll(DecoderKind kind) throws IOException {
    byte[] expected =
        Files.readAllBytes(SharedData.resolve("llama2c/expected_greedy_200steps_test_all.txt"));
    try (Decoder decoder = kind.open()) {
      GenerationResult r = runLikeRunC(decoder, "", 200);
      assertEquals(new String(expected, StandardCharsets.UTF_8), r.text());
      assertArrayEquals(expected, r.text().getBytes(StandardCharsets.UTF_8));
      assertEquals(200, r.completionTokens());
      assertEquals(FinishReason.LENGTH, r.finishReason());
      // the token ids too, against the reference's greedy ids (BOS first)
      JsonNode ref =
          new ObjectMapper()
              .readTree(
                  SharedData.resolve("llama2c/reference_stories260K_greedy256.json").toFile());
      int[] want = new int[200];
      for (int i = 0; i < 200; i++) {
        want[i] = ref.get("greedy_tokens_from_bos").get(i + 1).asInt();
      }
      assertArrayEquals(want, r.tokenIds());
    }
  }

  @ParameterizedTest
  @MethodSource("decoders")
  void promptedGreedyMatchesLlama2c(DecoderKind kind) throws IOException {
    String file =
        Files.readString(SharedData.resolve("llama2c/expected_greedy_prompts_64steps.txt"));
    Matcher m =
        Pattern.compile(
                "### \\./run [^\\n]*? -n (\\d+) -i \"([^\"]*)\"\\n(.*?)\\n### end", Pattern.DOTALL)
            .matcher(file);
    int cases = 0;
    try (Decoder decoder = kind.open()) {
      while (m.find()) {
        int steps = Integer.parseInt(m.group(1));
        String prompt = m.group(2);
        String expected = m.group(3);
        GenerationResult r = runLikeRunC(decoder, prompt, steps);
        assertEquals(expected, prompt + r.text(), "prompt " + prompt);
        cases++;
      }
    }
    assertFalse(cases == 0, "no prompt blocks parsed from expected_greedy_prompts_64steps.txt");
  }

  /** llama2.c {@code run -t 0 -n steps -i prompt}: returns the completion after the prompt. */
  static GenerationResult runLikeRunC(Decoder decoder, String prompt, int steps) {
    TextTokenizer tok = Stories260K.tokenizer();
    int[] promptIds = tok.encode(prompt, true); // BOS + prompt
    SamplingParams params =
        SamplingParams.builder()
            .temperature(0)
            .maxTokens(steps - (promptIds.length - 1))
            .ignoreEos(true) // run.c does not stop at EOS ...
            .stopTokenIds(List.of(tok.bosId())) // ... but at BOS
            .build();
    return new Generation(promptIds, params, tok).run(decoder, GenerationListener.NONE);
  }
}
