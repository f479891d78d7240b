package dev.shallows.server.inference;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.shallows.engine.generate.GenerationResult;
import dev.shallows.engine.generate.TokenEvent;
import dev.shallows.server.openai.ChatLogprobs;
import dev.shallows.server.openai.ToolCall;
import dev.shallows.server.openai.Usage;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiConsumer;

/**
 * The Responses API's stream: response.created and .in_progress; with a reasoning parser a
 * reasoning item first (reasoning_text.delta per token); the message item and its output_text part
 * opened at the first content, output_text.delta per token (content held back from a possible call
 * under "auto"); at the end the text and items closed, each function_call added with its arguments
 * in one delta, and response.completed (or .incomplete) carrying the whole response.
 */
final class ResponseEvents implements SseStream.Encoder {
  private final ObjectMapper json;
  private final ResponseDraft draft;
  private final ChatHandler.Prepared p;
  private final BiConsumer<ObjectNode, ToolChoice.Reply> finished;
  private final StreamedReply reply;
  private final ContentLogprobs logprobs; // null: not asked for
  private final StringBuilder sentText = new StringBuilder();
  private final StringBuilder thought = new StringBuilder();
  private final ArrayNode output;
  private boolean reasoningOpen;
  private boolean reasoningClosed;
  private boolean messageOpen;
  private int sequence;

  /**
   * {@code logprobs}: the text's logprobs, null when not asked for; {@code finished}: called with
   * the whole response and its reply (to store them).
   */
  ResponseEvents(
      ObjectMapper json,
      ResponseDraft draft,
      ChatHandler.Prepared p,
      ContentLogprobs logprobs,
      BiConsumer<ObjectNode, ToolChoice.Reply> finished) {
    this.json = json;
    this.draft = draft;
    this.p = p;
    this.logprobs = logprobs;
    this.finished = finished;
    this.reply = new StreamedReply(p.tools(), p.reasoning().stream());
    this.output = json.createArrayNode();
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
      text(parts.content(), logprobs == null ? null : logprobs.token(ev, parts), out);
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
    out.add(event("response.output_item.done", fields().put("output_index", 0).set("item", item)));
    output.add(item);
  }

  /**
   * Sends content (with its tokens' logprobs unless null): closes the reasoning and opens the
   * message item at the first.
   */
  private void text(String delta, List<ChatLogprobs.Entry> lp, List<Object> out) {
    if (delta.isEmpty()) {
      return;
    }
    open(out);
    sentText.append(delta);
    // always present (empty when not asked for): OpenAI's clients require the field
    ObjectNode e = messagePart().put("delta", delta);
    e.set("logprobs", draft.logprobs(lp == null ? List.of() : lp));
    out.add(event("response.output_text.delta", e));
  }

  /** Every logprob entry sent with the text (null when not asked for). */
  private List<ChatLogprobs.Entry> sentLogprobs() {
    return logprobs == null ? null : logprobs.sent();
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
                  .set("item", draft.message(null, "in_progress", null))));
      out.add(
          event(
              "response.content_part.added",
              messagePart()
                  .set("part", draft.outputText("", logprobs == null ? null : List.of()))));
    }
  }

  private void finish(GenerationResult r, List<Object> out) {
    String[] status = ResponseDraft.status(r.finishReason());
    reasoning(reply.end(), out);
    ToolChoice.Reply whole = reply.reply();
    String unsent = reply.unsentContent(whole);
    text(unsent, logprobs == null ? null : logprobs.content(unsent), out);
    if (whole.calls() == null && (whole.content() != null || !reasoningOpen)) {
      open(out); // a text reply has its message, even an empty one
    }
    closeReasoning(status[0], out);
    if (messageOpen) {
      String text = sentText.toString();
      ObjectNode done = messagePart().put("text", text);
      done.set("logprobs", draft.logprobs(logprobs == null ? List.of() : logprobs.sent()));
      out.add(event("response.output_text.done", done));
      out.add(
          event(
              "response.content_part.done",
              messagePart().set("part", draft.outputText(text, sentLogprobs()))));
      ObjectNode item = draft.message(text, status[0], sentLogprobs());
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
              "response.output_item.done", fields().put("output_index", index).set("item", done)));
      output.add(done);
    }
    Usage usage = Responses.usage(p.run(), List.of(r));
    ObjectNode response = draft.response(status[0], output, usage, status[1]);
    finished.accept(response, whole);
    String type = status[1] == null ? "response.completed" : "response.incomplete";
    out.add(event(type, fields().set("response", response)));
  }

  @Override
  public Iterable<Object> end() {
    return List.of();
  }
}
