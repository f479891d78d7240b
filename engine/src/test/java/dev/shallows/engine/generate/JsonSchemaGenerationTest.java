package dev.shallows.engine.generate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import dev.shallows.engine.generate.json.schema.JsonSchema;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Structured outputs on the real stories260K (a story model that never saw JSON): with a schema
 * whose every value is bounded (strings and arrays have maximum lengths, numbers at most 16 digits
 * per part, the rest are enums and booleans), every sampled reply closes within its budget and is
 * an instance that networknt's validator accepts.
 */
class JsonSchemaGenerationTest {

  private static final ObjectMapper JACKSON =
      new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  static final String SCHEMA =
      """
      {"type":"object","properties":{
        "name":{"type":"string","maxLength":8},
        "color":{"enum":["red","green","blue"]},
        "tags":{"type":"array","items":{"type":"string","maxLength":5},"maxItems":2},
        "happy":{"type":"boolean"},
        "age":{"type":"integer"},
        "score":{"type":"number"},
        "friend":{"anyOf":[{"type":"null"},{"$ref":"#/$defs/friend"}]}},
       "required":["name","color","tags","happy","age","score","friend"],"additionalProperties":false,
       "$defs":{"friend":{"type":"object","properties":{"name":{"type":"string","maxLength":6}},
         "required":["name"],"additionalProperties":false}}}
      """;

  /**
   * Non-ASCII property names and enum values: stories260K spells "é" only as byte tokens, so they
   * are written escaped ("caf\u00e9"); without that the constraint would reach a state no token
   * continues.
   */
  static final String NON_ASCII =
      """
      {"type":"object","properties":{"größe":{"enum":["café","naïve","中"]},
        "ok":{"const":"ü"}},"required":["größe","ok"],"additionalProperties":false}
      """;

  @Test
  void everySampledReplyIsAValidInstance() throws Exception {
    for (String schema : java.util.List.of(SCHEMA, NON_ASCII)) {
      sampleAndValidate(schema);
    }
  }

  private static void sampleAndValidate(String schemaText) throws Exception {
    JsonNode schemaNode = JACKSON.readTree(schemaText);
    JsonSchema schema = JsonSchema.compile(schemaNode);
    var validator =
        JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012).getSchema(schemaNode);
    Set<String> replies = new HashSet<>();
    for (GenerationResult r :
        Stories260K.sample(
            "Once upon a time", 8, SamplingParams.builder().maxTokens(400).jsonSchema(schema))) {
      // at most ~8 * 6 + 2 * 5 * 6 + 17 + 39 + 90 characters: all close within 400 tokens
      assertEquals(FinishReason.STOP, r.finishReason(), r.text());
      JsonNode value = JACKSON.readTree(r.text());
      assertEquals(Set.of(), validator.validate(value), r.text());
      replies.add(r.text());
    }
    int distinct = schemaText.equals(SCHEMA) ? 6 : 2; // the second has only three possible values
    assertTrue(distinct <= replies.size(), "sampling gave few distinct replies: " + replies);
  }
}
