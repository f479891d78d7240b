package dev.shallows.server.inference;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.shallows.engine.generate.GenerationResult;
import dev.shallows.engine.generate.TokenEvent;
import dev.shallows.server.chat.ThinkTags;
import dev.shallows.server.error.ApiException;
import dev.shallows.server.openai.ChatCompletionRequest;
import dev.shallows.server.openai.ChatLogprobs;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.jboss.logging.Logger;

/**
 * {@code POST /v1/responses}, OpenAI's Responses API: the request becomes a chat request ({@link
 * ResponsesInput}) and runs as one (template, routing, tools, structured outputs); the reply comes
 * back as a {@code response} with {@code message} and {@code function_call} items, or streamed as
 * the API's typed events. Responses are stored ({@code store}, default true) for {@code
 * previous_response_id}.
 */
@ApplicationScoped
public class ResponsesHandler {

  private static final Logger LOG = Logger.getLogger(ResponsesHandler.class);

  private final ChatHandler chat;
  private final ResponseStore store;
  private final ObjectMapper json;

  public ResponsesHandler(ChatHandler chat, ResponseStore store, ObjectMapper json) {
    this.chat = chat;
    this.store = store;
    this.json = json;
  }

  public Response handle(JsonNode body, String session, BooleanSupplier clientGone)
      throws InterruptedException, JsonProcessingException {
    if (body == null || !body.isObject()) {
      throw ApiException.badRequest(null, "the request body must be a JSON object");
    }
    ObjectNode req = (ObjectNode) body;
    JsonNode n = req.get("n");
    if (n != null && !n.isNull() && !(n.canConvertToExactIntegral() && n.asInt() == 1)) {
      throw ApiException.badRequest("n", "a response has one output: n must be 1");
    }
    List<ObjectNode> history = new ArrayList<>();
    JsonNode previous = req.get("previous_response_id");
    if (previous != null && !previous.isNull()) {
      ResponseStore.Entry e = previous.isTextual() ? store.get(previous.textValue()) : null;
      if (e == null) {
        throw new ApiException(
            404,
            "invalid_request_error",
            "previous_response_id",
            "previous_response_not_found",
            "no stored response "
                + previous
                + " (not stored, forgotten, or from before a restart)");
      }
      history.addAll(e.conversation());
    }
    ResponsesInput.Translated t = ResponsesInput.translate(req, history, json);
    if (!t.unknown().isEmpty()) {
      LOG.infof("responses: ignoring unknown fields %s", t.unknown());
    }
    ChatCompletionRequest chatRequest = json.treeToValue(t.chat(), ChatCompletionRequest.class);
    ChatHandler.Prepared p;
    try {
      p = chat.prepare(chatRequest, session);
    } catch (ApiException e) {
      throw new ApiException(
          e.status(), e.type(), ResponsesInput.responsesParam(e.param()), e.code(), e.getMessage());
    }
    JsonNode choice = req.get("tool_choice");
    JsonNode mode =
        choice != null && !choice.isNull()
            ? choice
            : json.getNodeFactory().textNode(p.tools().parsed() ? "auto" : "none");
    ResponseDraft draft = new ResponseDraft(json, req, mode, p.decision().variant());
    List<ObjectNode> conversation = new ArrayList<>(history);
    conversation.addAll(t.turn());
    boolean keep = !req.path("store").isBoolean() || req.get("store").booleanValue();
    boolean logprobs = Boolean.TRUE.equals(chatRequest.logprobs);
    Responses texts = // token texts for logprobs, only when asked for
        logprobs
            ? new Responses(chat.texts(), chatRequest.model, p.decision().variant(), "")
            : null;
    if (!req.path("stream").asBoolean(false)) {
      GenerationResult r = p.run().await().get(0);
      ThinkTags.Split split = p.reasoning().split(r.text());
      ToolChoice.Reply reply = Responses.reply(split, p.tools(), p.reasoning());
      String[] status = ResponseDraft.status(r.finishReason());
      ObjectNode response =
          draft.response(
              status[0],
              draft.output(
                  split.reasoning(),
                  reply,
                  status[0],
                  logprobs ? contentLogprobs(texts, p, r) : null),
              Responses.usage(p.run(), List.of(r)),
              status[1]);
      if (keep) {
        save(draft, response, conversation, reply);
      }
      return Response.ok(response).header(Headers.VARIANT, p.decision().variant()).build();
    }
    ResponseEvents events =
        new ResponseEvents(
            json,
            draft,
            p,
            logprobs
                ? new ContentLogprobs(texts, p.run().promptIds(0), p.reasoning().active())
                : null,
            (response, reply) -> {
              if (keep) {
                save(draft, response, conversation, reply);
              }
            });
    return Response.ok(
            new SseStream(p.run(), events, json, clientGone, false), MediaType.SERVER_SENT_EVENTS)
        .header(Headers.VARIANT, p.decision().variant())
        .header("Cache-Control", "no-cache")
        .build();
  }

  /**
   * The logprobs of the message's text, as a stream of the same reply would have sent them: the
   * tokens replayed through the stream's splitting.
   */
  private static List<ChatLogprobs.Entry> contentLogprobs(
      Responses texts, ChatHandler.Prepared p, GenerationResult r) {
    StreamedReply reply = new StreamedReply(p.tools(), p.reasoning().stream());
    ContentLogprobs lp = new ContentLogprobs(texts, p.run().promptIds(0), p.reasoning().active());
    for (TokenEvent e : r.tokens()) {
      lp.token(e, reply.onToken(e.text()));
    }
    reply.end();
    lp.content(reply.unsentContent(reply.reply()));
    return lp.sent();
  }

  private void save(
      ResponseDraft draft,
      ObjectNode response,
      List<ObjectNode> conversation,
      ToolChoice.Reply reply) {
    List<ObjectNode> all = new ArrayList<>(conversation);
    all.addAll(draft.asMessages(reply));
    store.put(draft.id(), new ResponseStore.Entry(response, List.copyOf(all)));
  }
}
