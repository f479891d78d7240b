package dev.shallows.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.http.StreamResponse;
import com.openai.errors.BadRequestException;
import com.openai.errors.NotFoundException;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionNamedToolChoice;
import com.openai.models.chat.completions.ChatCompletionStreamOptions;
import com.openai.models.chat.completions.StructuredChatCompletion;
import com.openai.models.completions.Completion;
import com.openai.models.completions.CompletionCreateParams;
import com.openai.models.embeddings.CreateEmbeddingResponse;
import com.openai.models.embeddings.EmbeddingCreateParams;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URL;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The official OpenAI Java client against this server: someone else's reading of the protocol. */
@QuarkusTest
@QuarkusTestResource(TestModel.class)
class OpenAiClientTest {

  @TestHTTPResource("/v1")
  URL base;

  OpenAIClient client() {
    return OpenAIOkHttpClient.builder()
        .apiKey("unused")
        .baseUrl(base.toString())
        .maxRetries(0)
        .build();
  }

  @Test
  void embeddings() {
    CreateEmbeddingResponse r =
        client()
            .embeddings()
            .create(
                EmbeddingCreateParams.builder()
                    .model(TestModel.MODEL)
                    .inputOfArrayOfStrings(List.of("Lily", "The dog was", "Lily"))
                    .build());
    r.validate(); // every field the client requires is there, of its type
    assertEquals(3, r.data().size());
    List<Float> first = r.data().get(0).embedding();
    assertEquals(first, r.data().get(2).embedding());
    double norm = 0;
    for (float v : first) {
      norm += (double) v * v;
    }
    assertEquals(1, norm, 1e-5);
    assertTrue(r.usage().promptTokens() > 3);
  }

  @Test
  void completionsAndModels() {
    OpenAIClient c = client();
    Completion r =
        c.completions()
            .create(
                CompletionCreateParams.builder()
                    .model(TestModel.MODEL)
                    .prompt("Once upon a time")
                    .maxTokens(20)
                    .temperature(0.0)
                    .build());
    r.validate();
    assertTrue(r.choices().get(0).text().length() > 10);
    assertEquals(20, r.usage().orElseThrow().completionTokens());
    c.models().list().data().forEach(m -> m.validate());
    List<String> ids = c.models().list().data().stream().map(m -> m.id()).toList();
    assertTrue(ids.contains(TestModel.MODEL + ":full"), ids.toString());
  }

  @Test
  void chatAndStreamingChatAgree() {
    OpenAIClient c = client();
    ChatCompletionCreateParams p =
        ChatCompletionCreateParams.builder()
            .model(TestModel.MODEL)
            .addUserMessage("Tell me a story")
            .maxCompletionTokens(16)
            .temperature(0.0)
            .build();
    ChatCompletion whole = c.chat().completions().create(p).validate();
    String text = whole.choices().get(0).message().content().orElseThrow();
    ChatCompletionCreateParams ps =
        p.toBuilder()
            .streamOptions(ChatCompletionStreamOptions.builder().includeUsage(true).build())
            .build();
    StringBuilder streamed = new StringBuilder();
    long usage;
    try (StreamResponse<ChatCompletionChunk> s = c.chat().completions().createStreaming(ps)) {
      List<ChatCompletionChunk> chunks = s.stream().collect(Collectors.toList());
      for (ChatCompletionChunk ch : chunks) {
        ch.validate();
        for (ChatCompletionChunk.Choice choice : ch.choices()) {
          choice.delta().content().ifPresent(streamed::append);
        }
      }
      usage = chunks.get(chunks.size() - 1).usage().orElseThrow().completionTokens();
    }
    assertEquals(text, streamed.toString());
    assertEquals(16, usage);
  }

  /**
   * The answer the structured-output test asks for; the client derives its JSON schema. Every field
   * is bounded: given an unbounded list, the greedy story model repeats one item until max_tokens.
   */
  public static class Verdict {
    public Mood mood;
    public boolean sure;
  }

  public enum Mood {
    HAPPY,
    SAD,
    SLEEPY
  }

  @Test
  void structuredOutputsWithTheClientsOwnSchema() {
    // the client writes the schema from the class and parses the reply back into it
    StructuredChatCompletion<Verdict> r =
        client()
            .chat()
            .completions()
            .create(
                ChatCompletionCreateParams.builder()
                    .model(TestModel.MODEL)
                    .addUserMessage("How does the cat feel?")
                    .maxCompletionTokens(200)
                    .temperature(0.0)
                    .responseFormat(Verdict.class)
                    .build());
    Verdict v = r.choices().get(0).message().content().orElseThrow();
    assertTrue(v.mood != null, r.toString());
    assertEquals(ChatCompletion.Choice.FinishReason.STOP, r.choices().get(0).finishReason());
  }

  @Test
  void aForcedFunctionCallWithTheClientsOwnSchema() {
    // the client writes the function's schema from the class (named after it) and parses the
    // call's arguments back into it
    ChatCompletion r =
        client()
            .chat()
            .completions()
            .create(
                ChatCompletionCreateParams.builder()
                    .model(TestModel.MODEL)
                    .addUserMessage("How does the cat feel?")
                    .maxCompletionTokens(200)
                    .temperature(0.0)
                    .addTool(Verdict.class)
                    .toolChoice(
                        ChatCompletionNamedToolChoice.builder()
                            .function(
                                ChatCompletionNamedToolChoice.Function.builder()
                                    .name("Verdict")
                                    .build())
                            .build())
                    .build());
    r.validate();
    var call = r.choices().get(0).message().toolCalls().orElseThrow().get(0).asFunction();
    assertEquals("Verdict", call.function().name());
    Verdict v = call.function().arguments(Verdict.class);
    assertTrue(v.mood != null, call.function().arguments());
  }

  @Test
  void errorsMapToTheClientsExceptions() {
    OpenAIClient c = client();
    BadRequestException e =
        assertThrows(
            BadRequestException.class,
            () ->
                c.completions()
                    .create(
                        CompletionCreateParams.builder()
                            .model(TestModel.MODEL)
                            .prompt("x")
                            .temperature(-1.0)
                            .build()));
    assertEquals(400, e.statusCode());
    assertThrows(
        NotFoundException.class,
        () ->
            c.completions()
                .create(CompletionCreateParams.builder().model("nope").prompt("x").build()));
  }
}
