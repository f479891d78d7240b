package dev.shallows.server.api;

import dev.shallows.server.config.ShallowsConfig;
import dev.shallows.server.error.ApiException;
import dev.shallows.server.inference.ChatHandler;
import dev.shallows.server.inference.CompletionHandler;
import dev.shallows.server.inference.EmbeddingHandler;
import dev.shallows.server.model.ModelRegistry;
import dev.shallows.server.model.ModelService;
import dev.shallows.server.model.Variant;
import dev.shallows.server.openai.ChatCompletionRequest;
import dev.shallows.server.openai.ChatCompletionResponse;
import dev.shallows.server.openai.CompletionRequest;
import dev.shallows.server.openai.CompletionResponse;
import dev.shallows.server.openai.EmbeddingRequest;
import dev.shallows.server.openai.EmbeddingResponse;
import dev.shallows.server.openai.LenientRequest;
import dev.shallows.server.openai.ModelList;
import io.smallrye.common.annotation.Blocking;
import io.vertx.core.http.HttpServerResponse;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.logging.Logger;

/** The OpenAI-compatible endpoints. Thin: validation and generation live in the handlers. */
@Path("/v1")
@Tag(name = "OpenAI")
public class OpenAiResource {

  private static final Logger LOG = Logger.getLogger(OpenAiResource.class);

  private final CompletionHandler completions;
  private final ChatHandler chat;
  private final EmbeddingHandler embeddings;
  private final ModelService models;
  private final ShallowsConfig config;

  public OpenAiResource(
      CompletionHandler completions,
      ChatHandler chat,
      EmbeddingHandler embeddings,
      ModelService models,
      ShallowsConfig config) {
    this.completions = completions;
    this.chat = chat;
    this.embeddings = embeddings;
    this.models = models;
    this.config = config;
  }

  @POST
  @Path("/completions")
  @Blocking
  @Consumes(MediaType.APPLICATION_JSON)
  @Produces({MediaType.APPLICATION_JSON, MediaType.SERVER_SENT_EVENTS})
  @Operation(summary = "Text completion (OpenAI legacy completions); SSE when stream=true")
  @APIResponse(
      responseCode = "200",
      content = {
        @Content(
            mediaType = MediaType.APPLICATION_JSON,
            schema = @Schema(implementation = CompletionResponse.class)),
        @Content(mediaType = MediaType.SERVER_SENT_EVENTS)
      })
  public Response completions(
      CompletionRequest body, @Context HttpHeaders headers, @Context HttpServerResponse response)
      throws InterruptedException {
    logUnknown(body, "completions");
    return completions.handle(body, session(headers), response::closed);
  }

  @POST
  @Path("/embeddings")
  @Blocking
  @Consumes(MediaType.APPLICATION_JSON)
  @Produces(MediaType.APPLICATION_JSON)
  @Operation(
      summary = "Embeddings: the last token's final hidden state, L2-normalized (never A/B-split)")
  @APIResponse(
      responseCode = "200",
      content =
          @Content(
              mediaType = MediaType.APPLICATION_JSON,
              schema = @Schema(implementation = EmbeddingResponse.class)))
  public Response embeddings(EmbeddingRequest body) throws InterruptedException {
    logUnknown(body, "embeddings");
    return embeddings.handle(body);
  }

  @POST
  @Path("/chat/completions")
  @Blocking
  @Consumes(MediaType.APPLICATION_JSON)
  @Produces({MediaType.APPLICATION_JSON, MediaType.SERVER_SENT_EVENTS})
  @Operation(summary = "Chat completion; SSE chat.completion.chunk events when stream=true")
  @APIResponse(
      responseCode = "200",
      content = {
        @Content(
            mediaType = MediaType.APPLICATION_JSON,
            schema = @Schema(implementation = ChatCompletionResponse.class)),
        @Content(mediaType = MediaType.SERVER_SENT_EVENTS)
      })
  public Response chat(
      ChatCompletionRequest body,
      @Context HttpHeaders headers,
      @Context HttpServerResponse response)
      throws InterruptedException {
    logUnknown(body, "chat");
    return chat.handle(body, session(headers), response::closed);
  }

  @GET
  @Path("/models")
  @Produces(MediaType.APPLICATION_JSON)
  @Operation(summary = "The model and one '<model>:<variant>' entry per loaded variant")
  public ModelList list() {
    ModelRegistry r = models.registry();
    List<ModelList.Model> data = new ArrayList<>();
    long created = r.variants().get(ModelRegistry.FULL).loadedAt().getEpochSecond();
    data.add(
        new ModelList.Model(
            r.name(), "model", created, "shallows", null, null, null, r.contextLength()));
    for (Variant v : r.variants().values()) {
      data.add(entry(r, v));
    }
    return new ModelList("list", data);
  }

  @GET
  @Path("/models/{id}")
  @Produces(MediaType.APPLICATION_JSON)
  @Operation(summary = "One model or variant")
  public ModelList.Model get(@PathParam("id") String id) {
    ModelRegistry r = models.registry();
    String v = models.router().forcedVariant(id, r.loaded()); // 404 for anything else
    return v == null ? list().data().get(0) : entry(r, r.get(v));
  }

  private static ModelList.Model entry(ModelRegistry r, Variant v) {
    return new ModelList.Model(
        r.name() + ":" + v.name(),
        "model",
        v.loadedAt().getEpochSecond(),
        "shallows",
        r.name(),
        v.name(),
        v.layers(),
        r.contextLength());
  }

  private String session(HttpHeaders headers) {
    return headers.getHeaderString(config.routing().sessionHeader());
  }

  private static void logUnknown(LenientRequest body, String endpoint) {
    if (body == null) {
      throw ApiException.badRequest(null, "the request body must be a JSON object");
    }
    if (!body.unknownFields().isEmpty()) {
      LOG.infof("%s: ignoring unknown fields %s", endpoint, body.unknownFields());
    }
  }
}
