package dev.shallows.server.api;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.shallows.server.error.ApiException;
import dev.shallows.server.inference.InferenceService;
import dev.shallows.server.inference.RequestMapper;
import dev.shallows.server.model.ModelRegistry;
import dev.shallows.server.model.ModelService;
import dev.shallows.server.openai.DetokenizeRequest;
import dev.shallows.server.openai.TokenizeRequest;
import dev.shallows.store.TextTokenizer;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * {@code POST /tokenize} and {@code /detokenize} as vLLM's server has them: the model's own token
 * ids for a prompt or a chat (exactly what a completion of it would prefill), so clients can count
 * tokens against the context, and text back from ids.
 */
@Path("/")
@Tag(name = "Tokenizer")
public class TokenizeResource {

  /** Token ids of a prompt, their count and the model's context length. */
  public record Tokens(
      int count, @JsonProperty("max_model_len") int maxModelLen, List<Integer> tokens) {}

  /** The text of some token ids. */
  public record Text(String prompt) {}

  private final InferenceService inference;
  private final ModelService models;

  public TokenizeResource(InferenceService inference, ModelService models) {
    this.inference = inference;
    this.models = models;
  }

  @POST
  @Path("tokenize")
  @Consumes(MediaType.APPLICATION_JSON)
  @Produces(MediaType.APPLICATION_JSON)
  @Operation(summary = "Token ids of a prompt or of chat messages (after the chat template)")
  public Tokens tokenize(TokenizeRequest req) {
    ModelRegistry r = checkModel(req == null ? null : req.model);
    boolean hasPrompt = req.prompt != null;
    boolean hasMessages = req.messages != null;
    if (hasPrompt && req.tools != null) {
      throw ApiException.badRequest("tools", "tools go with messages");
    }
    if (hasPrompt == hasMessages) {
      throw ApiException.badRequest("prompt", "give exactly one of prompt and messages");
    }
    int[] ids;
    if (hasPrompt) {
      TextTokenizer t = r.tokenizer();
      boolean special = req.addSpecialTokens == null || req.addSpecialTokens;
      ids = t.encode(req.prompt, special && t.addsBosByDefault());
    } else {
      if (req.messages.isEmpty()) {
        throw ApiException.badRequest("messages", "messages must be a non-empty array");
      }
      if (req.tools != null && !req.tools.isNull() && !req.tools.isArray()) {
        throw ApiException.badRequest("tools", "tools must be an array");
      }
      ids =
          inference.encodeChat(
              r.chatTemplate()
                  .render(
                      RequestMapper.templateMessages(req.messages),
                      RequestMapper.templateOptions(
                          req.tools,
                          req.addGenerationPrompt,
                          req.continueFinalMessage,
                          req.chatTemplateKwargs)));
    }
    List<Integer> out = new ArrayList<>(ids.length);
    for (int id : ids) {
      out.add(id);
    }
    return new Tokens(ids.length, r.contextLength(), out);
  }

  @POST
  @Path("detokenize")
  @Consumes(MediaType.APPLICATION_JSON)
  @Produces(MediaType.APPLICATION_JSON)
  @Operation(summary = "The text of token ids")
  public Text detokenize(DetokenizeRequest req) {
    ModelRegistry r = checkModel(req == null ? null : req.model);
    if (req.tokens == null) {
      throw ApiException.badRequest("tokens", "tokens must be an array of token ids");
    }
    int vocab = r.tokenizer().vocabSize();
    int[] ids = new int[req.tokens.size()];
    for (int i = 0; i < ids.length; i++) {
      Integer id = req.tokens.get(i);
      if (id == null || id < 0 || id >= vocab) {
        throw ApiException.badRequest(
            "tokens", "token ids must be in [0, " + vocab + "), got " + id + " at " + i);
      }
      ids[i] = id;
    }
    return new Text(r.tokenizer().decode(ids));
  }

  /** The registry if {@code model} names the model or one of its loaded variants, else 404. */
  private ModelRegistry checkModel(String model) {
    ModelRegistry r = inference.registry();
    if (model == null || model.isBlank()) {
      throw ApiException.badRequest("model", "you must provide a model parameter");
    }
    models.router().forcedVariant(model, r.loaded()); // 404 unless it names the model or a variant
    return r;
  }
}
