package dev.shallows.engine.generate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.shallows.engine.Decoder;
import dev.shallows.engine.generate.json.JsonObjectGrammar;
import dev.shallows.store.TextTokenizer;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * JSON mode on the real stories260K (a model that never saw JSON): every sampled output is a prefix
 * of a JSON object, and one that stops is a whole object that Jackson parses, with nothing after
 * it; without JSON mode the same requests give prose.
 */
class JsonModeGenerationTest {

  private static final ObjectMapper JACKSON =
      new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  @Test
  void sampledOutputsAreJsonObjects() throws Exception {
    TextTokenizer tok = Stories260K.tokenizer();
    try (Decoder decoder = DecoderKind.all().get(0).open()) {
      for (long seed = 0; seed < 6; seed++) {
        GenerationResult r = generate(decoder, tok, seed, true, Map.of());
        // this story model writes keys and values ("{ "Tom?" : -20000.9 , ...") and rarely closes
        assertNotEquals(
            JsonObjectGrammar.INVALID,
            JsonObjectGrammar.feed(JsonObjectGrammar.START, r.text()),
            r.text());
        assertEquals(FinishReason.LENGTH, r.finishReason(), r.text());
        assertEquals(40, r.tokens().size());
        assertTrue(r.text().contains("\""), "keys are strings: " + r.text());
      }
      // pushed towards '}' (allowed only where an object may close), it stops at the close
      int close = Arrays.asList(tok.pieces()).indexOf("}");
      for (long seed = 0; seed < 6; seed++) {
        GenerationResult r = generate(decoder, tok, seed, true, Map.of(close, 100.0));
        assertEquals(FinishReason.STOP, r.finishReason(), r.text());
        assertEquals(JACKSON.createObjectNode(), JACKSON.readTree(r.text()), r.text());
      }
      String text = generate(decoder, tok, 0, false, Map.of()).text();
      assertEquals(
          JsonObjectGrammar.INVALID, JsonObjectGrammar.feed(JsonObjectGrammar.START, text), text);
    }
  }

  /** 40 tokens sampled at temperature 1 after "Once upon a time". */
  private static GenerationResult generate(
      Decoder decoder, TextTokenizer tok, long seed, boolean json, Map<Integer, Double> bias) {
    SamplingParams p =
        SamplingParams.builder()
            .temperature(1.0)
            .seed(seed)
            .maxTokens(40)
            .jsonObject(json)
            .logitBias(bias)
            .build();
    return new Generation(tok.encode("Once upon a time", true), p, tok).run(decoder, null);
  }
}
