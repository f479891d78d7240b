package dev.shallows.server.inference;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.shallows.engine.generate.FinishReason;
import dev.shallows.engine.generate.GenerationResult;
import dev.shallows.engine.generate.TokenEvent;
import dev.shallows.server.chat.ThinkTags;
import dev.shallows.server.error.ApiException;
import dev.shallows.server.openai.ChatCompletionRequest;
import dev.shallows.server.openai.ToolCall;
import dev.shallows.server.openai.Usage;
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
    if (!req.path("stream").asBoolean(false)) {
      GenerationResult r = p.run().await().get(0);
      ThinkTags.Split split = p.reasoning().split(r.text());
      ToolChoice.Reply reply = Responses.reply(split, p.tools(), p.reasoning());
      String[] status = status(r.finishReason());
      ObjectNode response =
          draft.response(
              status[0],
              draft.output(split.reasoning(), reply, status[0]),
              Responses.usage(p.run(), List.of(r)),
              status[1]);
      if (keep) {
        save(draft, response, conversation, reply);
      }
      return Response.ok(response).header(Headers.VARIANT, p.decision().variant()).build();
    }
    Events events = new Events(draft, p, keep, conversation);
    return Response.ok(
            new SseStream(p.run(), events, json, clientGone, false), MediaType.SERVER_SENT_EVENTS)
        .header(Headers.VARIANT, p.decision().variant())
        .header("Cache-Control", "no-cache")
        .build();
  }

  /** {status, incomplete reason} of a finished reply. */
  private static String[] status(FinishReason finish) {
    return switch (finish) {
      case STOP -> new String[] {"completed", null};
      case LENGTH -> new String[] {"incomplete", "max_output_tokens"};
      case ABORT -> new String[] {"incomplete", "server_shutdown"};
    };
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

  /**
   * The Responses API's stream: response.created and .in_progress; with a reasoning parser a
   * reasoning item first (reasoning_text.delta per token); the message item and its output_text
   * part opened at the first content, output_text.delta per token (content held back from a
   * possible call under "auto"); at the end the text and items closed, each function_call added
   * with its arguments in one delta, and response.completed (or .incomplete) carrying the whole
   * response.
   */
  private final class Events implements SseStream.Encoder {
    private final ResponseDraft draft;
    private final ChatHandler.Prepared p;
    private final boolean keep;
    private final List<ObjectNode> conversation;
    private final StreamedReply reply;
    private final StringBuilder sentText = new StringBuilder();
    private final StringBuilder thought = new StringBuilder();
    private final ArrayNode output = json.createArrayNode();
    private boolean reasoningOpen;
    private boolean reasoningClosed;
    private boolean messageOpen;
    private int sequence;

    Events(
        ResponseDraft draft, ChatHandler.Prepared p, boolean keep, List<ObjectNode> conversation) {
      this.draft = draft;
      this.p = p;
      this.keep = keep;
      this.conversation = conversation;
      this.reply = new StreamedReply(p.tools(), p.reasoning().stream());
    }

    private SseStream.Named event(String type, ObjectNode fields) {
      ObjectNode e = json.createObjectNode().put("type", type).put("sequence_number", sequence++);
      e.setAll(fields);
      return new SseStream.Named(type, e);
    }

    private ObjectNode fields() {
      return json.createObjectNode();
    }

    /** Where an item's text goes: its id, output index and (only) content part. */
    private ObjectNode part(String itemId, int index) {
      return fields().put("item_id", itemId).put("output_index", index).put("content_index", 0);
    }

    private ObjectNode messagePart() {
      return part(draft.messageId(), reasoningOpen ? 1 : 0);
    }

    private ObjectNode reasoningPart() {
      return part(draft.reasoningId(), 0);
    }

    @Override
    public Iterable<Object> start() {
      ObjectNode created = draft.response("in_progress", json.createArrayNode(), null, null);
      return List.of(
          event("response.created", fields().set("response", created)),
          event("response.in_progress", fields().set("response", created)));
    }

    @Override
    public Iterable<Object> on(RunEvent e) {
      List<Object> out = new ArrayList<>();
      if (e instanceof RunEvent.Token t) {
        TokenEvent ev = t.event();
        StreamedReply.Parts parts = reply.onToken(ev.text());
        reasoning(parts.reasoning(), out);
        text(parts.content(), out);
      } else if (e instanceof RunEvent.Done d) {
        finish(d.result(), out);
      }
      return out;
    }

    /** Sends reasoning: opens the reasoning item at the first. */
    private void reasoning(String delta, List<Object> out) {
      if (delta.isEmpty()) {
        return;
      }
      if (!reasoningOpen) {
        reasoningOpen = true;
        out.add(
            event(
                "response.output_item.added",
                fields().put("output_index", 0).set("item", draft.reasoning(null, "in_progress"))));
      }
      thought.append(delta);
      out.add(event("response.reasoning_text.delta", reasoningPart().put("delta", delta)));
    }

    /** Closes the reasoning item, if one is open. */
    private void closeReasoning(String status, List<Object> out) {
      if (!reasoningOpen || reasoningClosed) {
        return;
      }
      reasoningClosed = true;
      String text = thought.toString();
      out.add(event("response.reasoning_text.done", reasoningPart().put("text", text)));
      ObjectNode item = draft.reasoning(text, status);
      out.add(
          event("response.output_item.done", fields().put("output_index", 0).set("item", item)));
      output.add(item);
    }

    /** Sends content: closes the reasoning and opens the message item at the first. */
    private void text(String delta, List<Object> out) {
      if (delta.isEmpty()) {
        return;
      }
      open(out);
      sentText.append(delta);
      out.add(event("response.output_text.delta", messagePart().put("delta", delta)));
    }

    private void open(List<Object> out) {
      closeReasoning("completed", out);
      if (!messageOpen) {
        messageOpen = true;
        out.add(
            event(
                "response.output_item.added",
                fields()
                    .put("output_index", output.size())
                    .set("item", draft.message(null, "in_progress"))));
        out.add(
            event("response.content_part.added", messagePart().set("part", draft.outputText(""))));
      }
    }

    private void finish(GenerationResult r, List<Object> out) {
      String[] status = status(r.finishReason());
      reasoning(reply.end(), out);
      ToolChoice.Reply whole = reply.reply();
      text(reply.unsentContent(whole), out);
      if (whole.calls() == null && (whole.content() != null || !reasoningOpen)) {
        open(out); // a text reply has its message, even an empty one
      }
      closeReasoning(status[0], out);
      if (messageOpen) {
        String text = sentText.toString();
        out.add(event("response.output_text.done", messagePart().put("text", text)));
        out.add(
            event("response.content_part.done", messagePart().set("part", draft.outputText(text))));
        ObjectNode item = draft.message(text, status[0]);
        out.add(
            event(
                "response.output_item.done",
                fields().put("output_index", output.size()).set("item", item)));
        output.add(item);
      }
      List<ToolCall> calls = whole.calls() == null ? List.of() : whole.calls();
      for (ToolCall c : calls) {
        int index = output.size();
        String args = c.function().arguments();
        ObjectNode added = draft.functionCall(c, "", "in_progress");
        String itemId = added.get("id").textValue();
        out.add(
            event(
                "response.output_item.added",
                fields().put("output_index", index).set("item", added)));
        out.add(
            event(
                "response.function_call_arguments.delta",
                fields().put("item_id", itemId).put("output_index", index).put("delta", args)));
        out.add(
            event(
                "response.function_call_arguments.done",
                fields().put("item_id", itemId).put("output_index", index).put("arguments", args)));
        ObjectNode done = draft.functionCall(c, args, "completed");
        out.add(
            event(
                "response.output_item.done",
                fields().put("output_index", index).set("item", done)));
        output.add(done);
      }
      Usage usage = Responses.usage(p.run(), List.of(r));
      ObjectNode response = draft.response(status[0], output, usage, status[1]);
      if (keep) {
        save(draft, response, conversation, whole);
      }
      String type = status[1] == null ? "response.completed" : "response.incomplete";
      out.add(event(type, fields().set("response", response)));
    }

    @Override
    public Iterable<Object> end() {
      return List.of();
    }
  }
}
