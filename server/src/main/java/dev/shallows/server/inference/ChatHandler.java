package dev.shallows.server.inference;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.shallows.engine.generate.GenerationResult;
import dev.shallows.engine.generate.SamplingParams;
import dev.shallows.engine.generate.TokenEvent;
import dev.shallows.server.chat.ThinkTags;
import dev.shallows.server.config.ShallowsConfig;
import dev.shallows.server.openai.ChatCompletionRequest;
import dev.shallows.server.openai.ChatLogprobs;
import dev.shallows.server.openai.StreamOptions;
import dev.shallows.server.routing.Router;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

/** {@code POST /v1/chat/completions}: template, routing, generation, JSON or SSE response. */
@ApplicationScoped
public class ChatHandler {

  private final InferenceService inference;
  private final RequestMapper mapper;
  private final ObjectMapper json;

  public ChatHandler(InferenceService inference, ShallowsConfig config, ObjectMapper json) {
    this.inference = inference;
    this.mapper = new RequestMapper(config.limits());
    this.json = json;
  }

  /**
   * A chat request checked, templated and submitted: its run, where it went, its tool mode and how
   * its reply splits into reasoning and content.
   */
  record Prepared(
      RequestRun run, Router.Decision decision, ToolChoice tools, Reasoning reasoning) {}

  /** Checks, renders and submits a chat request (shared with the Responses API). */
  Prepared prepare(ChatCompletionRequest req, String session) {
    ToolChoice tools = ToolChoice.of(req, inference.registry().toolCallParser());
    SamplingParams params = mapper.sampling(req, tools);
    int n = req.n == null ? 1 : req.n;
    Router.Decision d = inference.route(req.model, req.user, session);
    String prompt =
        inference
            .registry()
            .chatTemplate()
            .render(
                RequestMapper.templateMessages(req.messages),
                RequestMapper.templateOptions(
                    req.tools,
                    req.addGenerationPrompt,
                    req.continueFinalMessage,
                    req.chatTemplateKwargs));
    int[] ids =
        RequestMapper.truncated(
            inference.encodeChat(prompt),
            req.truncatePromptTokens,
            inference.registry().contextLength());
    boolean explicit = req.maxCompletionTokens != null || req.maxTokens != null;
    params =
        inference.fitContext(
            params,
            List.of(ids),
            explicit,
            req.maxCompletionTokens != null ? "max_completion_tokens" : "max_tokens");
    boolean constrained =
        params.jsonObject() || params.jsonSchema() != null || params.textPattern() != null;
    ThinkTags tags = inference.registry().reasoningParser();
    boolean inside = tags != null && ThinkTags.opens(prompt);
    if (inside && constrained) { // reason first: the constraint holds after the reasoning
      params = params.toBuilder().constrainAfter(ThinkTags.CLOSE).build();
    }
    Reasoning reasoning = tags == null ? Reasoning.NONE : new Reasoning(tags, inside);
    return new Prepared(inference.submit(d, List.of(ids), n, params, "chat"), d, tools, reasoning);
  }

  /** The tokenizer's texts of tokens (for logprobs and usage). */
  TokenTexts texts() {
    return new TokenTexts(inference.registry().tokenizer());
  }

  public Response handle(ChatCompletionRequest req, String session, BooleanSupplier clientGone)
      throws InterruptedException {
    Prepared p = prepare(req, session);
    RequestRun run = p.run();
    Router.Decision d = p.decision();
    Responses out = new Responses(texts(), req.model, d.variant(), "chatcmpl-");
    boolean logprobs = Boolean.TRUE.equals(req.logprobs);
    if (!Boolean.TRUE.equals(req.stream)) {
      List<GenerationResult> results = run.await();
      return Response.ok(out.chat(run, results, logprobs, p.tools(), p.reasoning()))
          .header(Headers.VARIANT, d.variant())
          .build();
    }
    boolean usage =
        req.streamOptions != null && Boolean.TRUE.equals(req.streamOptions.includeUsage);
    SseStream.Encoder enc = new Encoder(run, out, logprobs, usage, p.tools(), p.reasoning());
    if (StreamOptions.continuous(req.streamOptions)) {
      enc = new ContinuousUsage(run, enc);
    }
    return Response.ok(new SseStream(run, enc, json, clientGone), MediaType.SERVER_SENT_EVENTS)
        .header(Headers.VARIANT, d.variant())
        .header("Cache-Control", "no-cache")
        .build();
  }

  /**
   * Chat chunks: the role first, content deltas, an empty delta with the finish reason, usage. A
   * constrained tool-call reply is held back and sent as one tool_calls delta once it is complete
   * (or as text if it was cut short). Under "auto", content streams until a call may start in the
   * model's format; from there the text is held back and sent as one tool_calls delta if it reads
   * as calls, as content otherwise. Logprobs stream with every token either way.
   */
  private static final class Encoder implements SseStream.Encoder {
    private final RequestRun run;
    private final Responses out;
    private final boolean logprobs;
    private final boolean usage;
    private final Map<Integer, Integer> prev = new HashMap<>();
    private final java.util.Map<Integer, GenerationResult> results = new java.util.HashMap<>();

    private final ToolChoice tools;
    private final Reasoning reasoning;
    private final Map<Integer, StreamedReply> replies = new HashMap<>();

    Encoder(
        RequestRun run,
        Responses out,
        boolean logprobs,
        boolean usage,
        ToolChoice tools,
        Reasoning reasoning) {
      this.run = run;
      this.out = out;
      this.logprobs = logprobs;
      this.usage = usage;
      this.tools = tools;
      this.reasoning = reasoning;
    }

    @Override
    public Iterable<Object> start() {
      List<Object> chunks = new ArrayList<>();
      for (int c = 0; c < run.choices(); c++) {
        int[] p = run.promptIds(c);
        prev.put(c, p.length > 0 ? p[p.length - 1] : -1);
        replies.put(c, new StreamedReply(tools, reasoning.stream()));
        chunks.add(out.chatChunk(c, "assistant", "", null, null));
      }
      return chunks;
    }

    @Override
    public Iterable<Object> on(RunEvent e) {
      int c = e.choice();
      if (e instanceof RunEvent.Token t) {
        TokenEvent ev = t.event();
        ChatLogprobs lp =
            logprobs && !tools.constrained()
                ? new ChatLogprobs(List.of(out.chatEntry(prev.get(c), ev)))
                : null;
        prev.put(c, ev.tokenId());
        StreamedReply.Parts parts = replies.get(c).onToken(ev.text());
        if (parts.content().isEmpty() && parts.reasoning().isEmpty() && lp == null) {
          return List.of();
        }
        return List.of(out.chatChunk(c, parts.reasoning(), parts.content(), lp));
      }
      if (e instanceof RunEvent.Done d) {
        results.put(c, d.result());
        String finish = d.result().finishReason().wire();
        StreamedReply reply = replies.get(c);
        List<Object> chunks = new ArrayList<>();
        String thought = reply.end();
        if (!thought.isEmpty()) {
          chunks.add(out.chatChunk(c, thought, "", null));
        }
        ToolChoice.Reply whole = reply.reply();
        String rest = reply.unsentContent(whole);
        if (!rest.isEmpty()) {
          chunks.add(out.chatChunk(c, null, rest, null, null));
        }
        if (whole.calls() != null) {
          chunks.add(out.toolCallsChunk(c, whole.calls()));
        }
        chunks.add(
            out.chatChunk(
                c, null, null, null, whole.calls() != null ? tools.finishReason() : finish));
        return chunks;
      }
      return List.of();
    }

    /** The finished results indexed by choice (null where none arrived). */
    private List<GenerationResult> byChoice() {
      List<GenerationResult> out = new ArrayList<>();
      for (int c = 0; c < run.choices(); c++) {
        out.add(results.get(c));
      }
      return out;
    }

    @Override
    public Iterable<Object> end() {
      if (!usage) {
        return List.of();
      }
      return List.of(out.chatUsageChunk(Responses.usage(run, byChoice())));
    }
  }
}
