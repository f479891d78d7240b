package dev.shallows.server.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.shallows.server.config.ShallowsConfig;
import dev.shallows.server.error.ApiException;
import dev.shallows.server.inference.ResponseStore;
import dev.shallows.server.inference.ResponsesHandler;
import io.smallrye.common.annotation.Blocking;
import io.vertx.core.http.HttpServerResponse;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** OpenAI's Responses API: create (JSON or SSE events), retrieve and delete stored responses. */
@Path("/v1/responses")
@Tag(name = "OpenAI")
public class ResponsesResource {

  private final ResponsesHandler responses;
  private final ResponseStore store;
  private final ShallowsConfig config;
  private final ObjectMapper json;

  public ResponsesResource(
      ResponsesHandler responses, ResponseStore store, ShallowsConfig config, ObjectMapper json) {
    this.responses = responses;
    this.store = store;
    this.config = config;
    this.json = json;
  }

  @POST
  @Blocking
  @Consumes(MediaType.APPLICATION_JSON)
  @Produces({MediaType.APPLICATION_JSON, MediaType.SERVER_SENT_EVENTS})
  @Operation(
      summary =
          "Responses API: input (text or items), instructions, previous_response_id, function"
              + " tools, text.format; typed SSE events when stream=true")
  public Response create(
      JsonNode body, @Context HttpHeaders headers, @Context HttpServerResponse response)
      throws InterruptedException, JsonProcessingException {
    return responses.handle(
        body, headers.getHeaderString(config.routing().sessionHeader()), response::closed);
  }

  @GET
  @Path("/{id}")
  @Produces(MediaType.APPLICATION_JSON)
  @Operation(summary = "A stored response")
  public ObjectNode get(@PathParam("id") String id) {
    ObjectNode r = store.response(id);
    if (r == null) {
      throw ApiException.notFound("response '" + id + "'");
    }
    return r;
  }

  @DELETE
  @Path("/{id}")
  @Produces(MediaType.APPLICATION_JSON)
  @Operation(summary = "Forget a stored response")
  public ObjectNode delete(@PathParam("id") String id) {
    if (!store.remove(id)) {
      throw ApiException.notFound("response '" + id + "'");
    }
    return json.createObjectNode().put("id", id).put("object", "response").put("deleted", true);
  }
}
