package dev.shallows.server.inference;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.shallows.engine.generate.GenerationResult;
import dev.shallows.engine.generate.SamplingParams;
import dev.shallows.engine.generate.TokenEvent;
import dev.shallows.server.config.ShallowsConfig;
import dev.shallows.server.openai.CompletionLogprobs;
import dev.shallows.server.openai.CompletionRequest;
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

/** {@code POST /v1/completions}: validation, routing, generation, JSON or SSE response. */
@ApplicationScoped
public class CompletionHandler {

  private final InferenceService inference;
  private final RequestMapper mapper;
  private final ObjectMapper json;

  public CompletionHandler(InferenceService inference, ShallowsConfig config, ObjectMapper json) {
    this.inference = inference;
    this.mapper = new RequestMapper(config.limits());
    this.json = json;
  }

  public Response handle(CompletionRequest req, String session, BooleanSupplier clientGone)
      throws InterruptedException {
    List<RequestMapper.Prompt> prompts = mapper.prompts(req);
    SamplingParams params = mapper.sampling(req);
    int n = req.n == null ? 1 : req.n;
    Router.Decision d = inference.route(req.model, req.user, session);
    List<int[]> ids = new ArrayList<>();
    List<String> texts = new ArrayList<>();
    for (RequestMapper.Prompt p : prompts) {
      int[] whole = p.ids() != null ? p.ids() : inference.encode(p.text());
      int[] t =
          RequestMapper.truncated(
              whole, req.truncatePromptTokens, inference.registry().contextLength());
      ids.add(t);
      texts.add(
          p.text() != null && t == whole ? p.text() : inference.registry().tokenizer().decode(t));
    }
    params = inference.fitContext(params, ids, req.maxTokens != null, "max_tokens");
    RequestRun run = inference.submit(d, ids, n, params, "completions");
    List<String> choiceTexts = new ArrayList<>();
    for (String t : texts) {
      for (int j = 0; j < n; j++) {
        choiceTexts.add(t);
      }
    }
    Responses out =
        new Responses(
            new TokenTexts(inference.registry().tokenizer()), req.model, d.variant(), "cmpl-");
    boolean echo = Boolean.TRUE.equals(req.echo);
    if (!Boolean.TRUE.equals(req.stream)) {
      List<GenerationResult> results = run.await();
      return Response.ok(out.completion(run, results, choiceTexts, echo, req.logprobs))
          .header(Headers.VARIANT, d.variant())
          .build();
    }
    boolean usage =
        req.streamOptions != null && Boolean.TRUE.equals(req.streamOptions.includeUsage);
    SseStream.Encoder enc = new Encoder(run, out, choiceTexts, echo, req.logprobs, usage);
    if (StreamOptions.continuous(req.streamOptions)) {
      enc = new ContinuousUsage(run, enc);
    }
    return Response.ok(new SseStream(run, enc, json, clientGone), MediaType.SERVER_SENT_EVENTS)
        .header(Headers.VARIANT, d.variant())
        .header("Cache-Control", "no-cache")
        .build();
  }

  /** Completion chunks: echoed prompt first, one chunk per token with text, usage last. */
  private static final class Encoder implements SseStream.Encoder {
    private final RequestRun run;
    private final Responses out;
    private final List<String> prompts;
    private final boolean echo;
    private final Integer logprobs;
    private final boolean usage;
    private final Map<Integer, Integer> prev = new HashMap<>();
    private final Map<Integer, Integer> offset = new HashMap<>();
    private final java.util.Map<Integer, GenerationResult> results = new java.util.HashMap<>();

    Encoder(
        RequestRun run,
        Responses out,
        List<String> prompts,
        boolean echo,
        Integer logprobs,
        boolean usage) {
      this.run = run;
      this.out = out;
      this.prompts = prompts;
      this.echo = echo;
      this.logprobs = logprobs;
      this.usage = usage;
    }

    @Override
    public Iterable<Object> start() {
      List<Object> chunks = new ArrayList<>();
      for (int c = 0; c < run.choices(); c++) {
        int[] p = run.promptIds(c);
        prev.put(c, p.length > 0 ? p[p.length - 1] : -1);
        offset.put(c, prompts.get(c).length());
        if (echo && logprobs == null) {
          chunks.add(out.completionChunk(c, prompts.get(c), null, null));
        }
      }
      return chunks;
    }

    @Override
    public Iterable<Object> on(RunEvent e) {
      int c = e.choice();
      if (e instanceof RunEvent.Prompt p) {
        CompletionLogprobs lp =
            out.completionLogprobs(run.promptIds(c), p.logprobs(), List.of(), true, prompts.get(c));
        return List.of(out.completionChunk(c, prompts.get(c), lp, null));
      }
      if (e instanceof RunEvent.Token t) {
        TokenEvent ev = t.event();
        String finish = ev.finishReason() == null ? null : ev.finishReason().wire();
        CompletionLogprobs lp = null;
        if (logprobs != null) {
          CompletionLogprobs one =
              out.completionLogprobs(new int[] {prev.get(c)}, List.of(), List.of(ev), false, "");
          lp =
              new CompletionLogprobs(
                  one.tokens(), one.tokenLogprobs(), one.topLogprobs(), List.of(offset.get(c)));
          offset.merge(c, one.tokens().get(0).length(), Integer::sum);
        }
        prev.put(c, ev.tokenId());
        if (ev.text().isEmpty() && lp == null && finish == null) {
          return List.of();
        }
        return List.of(out.completionChunk(c, ev.text(), lp, finish));
      }
      if (e instanceof RunEvent.Done d) {
        results.put(c, d.result());
        List<TokenEvent> toks = d.result().tokens();
        boolean finishSent = !toks.isEmpty() && toks.get(toks.size() - 1).finishReason() != null;
        if (!finishSent) {
          return List.of(out.completionChunk(c, "", null, d.result().finishReason().wire()));
        }
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
      return List.of(out.completionUsageChunk(Responses.usage(run, byChoice())));
    }
  }
}
