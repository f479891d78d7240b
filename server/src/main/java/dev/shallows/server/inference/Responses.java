package dev.shallows.server.inference;

import dev.shallows.engine.generate.GenerationResult;
import dev.shallows.engine.generate.PromptLogprob;
import dev.shallows.engine.generate.TokenEvent;
import dev.shallows.engine.generate.TopLogprob;
import dev.shallows.server.chat.ThinkTags;
import dev.shallows.server.openai.ChatCompletionChunk;
import dev.shallows.server.openai.ChatCompletionResponse;
import dev.shallows.server.openai.ChatLogprobs;
import dev.shallows.server.openai.CompletionLogprobs;
import dev.shallows.server.openai.CompletionResponse;
import dev.shallows.server.openai.ToolCall;
import dev.shallows.server.openai.Usage;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** Builds OpenAI response objects and stream chunks from generation results. */
public final class Responses {

  private final TokenTexts texts;
  private final String model;
  private final String variant;
  private final String id;
  private final long created = System.currentTimeMillis() / 1000;

  /**
   * @param model the {@code model} echoed back (as the client asked, e.g. {@code m:full})
   */
  public Responses(TokenTexts texts, String model, String variant, String idPrefix) {
    this.texts = texts;
    this.model = model;
    this.variant = variant;
    this.id = idPrefix + UUID.randomUUID().toString().replace("-", "").substring(0, 24);
  }

  public String id() {
    return id;
  }

  // ---- completions -------------------------------------------------------------------------

  /** A whole {@code text_completion}. */
  public CompletionResponse completion(
      RequestRun run,
      List<GenerationResult> results,
      List<String> promptTexts,
      boolean echo,
      Integer logprobs) {
    List<CompletionResponse.Choice> choices = new ArrayList<>();
    for (int i = 0; i < results.size(); i++) {
      GenerationResult r = results.get(i);
      String prompt = promptTexts.get(i);
      String text = echo ? prompt + r.text() : r.text();
      CompletionLogprobs lp =
          logprobs == null
              ? null
              : completionLogprobs(run.promptIds(i), r.promptLogprobs(), r.tokens(), echo, prompt);
      choices.add(new CompletionResponse.Choice(i, text, lp, r.finishReason().wire()));
    }
    return new CompletionResponse(
        id, "text_completion", created, model, null, choices, usage(run, results), variant);
  }

  /**
   * Usage: prompt tokens once per prompt (cached ones as the first finished choice of that prompt
   * found them), completion tokens of every choice. {@code results} is indexed by choice; a choice
   * without a result yet (null) adds no completion tokens.
   */
  public static Usage usage(RequestRun run, List<GenerationResult> results) {
    int prompt = 0;
    int cached = 0;
    int completion = 0;
    java.util.Map<int[], Integer> cachedByPrompt = new java.util.IdentityHashMap<>();
    for (int c = 0; c < run.choices(); c++) {
      GenerationResult r = c < results.size() ? results.get(c) : null;
      if (r != null) {
        completion += r.completionTokens();
        cachedByPrompt.putIfAbsent(run.promptIds(c), r.cachedPromptTokens());
      }
    }
    java.util.Set<int[]> seen =
        java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
    for (int c = 0; c < run.choices(); c++) {
      if (seen.add(run.promptIds(c))) {
        prompt += run.promptIds(c).length;
        cached += cachedByPrompt.getOrDefault(run.promptIds(c), 0);
      }
    }
    return Usage.of(prompt, cached, completion);
  }

  /**
   * Legacy logprobs. With echo, the prompt tokens (first one null) then the completion tokens; text
   * offsets count from the start of the prompt.
   */
  public CompletionLogprobs completionLogprobs(
      int[] promptIds,
      List<PromptLogprob> promptLp,
      List<TokenEvent> tokens,
      boolean echo,
      String promptText) {
    List<String> toks = new ArrayList<>();
    List<Double> lps = new ArrayList<>();
    List<Map<String, Double>> tops = new ArrayList<>();
    List<Integer> offsets = new ArrayList<>();
    int offset = echo ? 0 : promptText.length();
    int prev = -1;
    if (echo) {
      for (int t = 0; t < promptIds.length; t++) {
        String s = texts.text(prev, promptIds[t]);
        toks.add(s);
        PromptLogprob p = t < promptLp.size() ? promptLp.get(t) : null;
        lps.add(p == null || Double.isNaN(p.logprob()) ? null : p.logprob());
        tops.add(
            p == null || p.topLogprobs().isEmpty() ? null : topMap(promptIds[t], p.topLogprobs()));
        offsets.add(offset);
        offset += s.length();
        prev = promptIds[t];
      }
    } else if (promptIds.length > 0) {
      prev = promptIds[promptIds.length - 1];
    }
    for (TokenEvent e : tokens) {
      String s = texts.text(prev, e.tokenId());
      toks.add(s);
      lps.add(Double.isNaN(e.logprob()) ? null : e.logprob());
      tops.add(topMap(prev, e.topLogprobs()));
      offsets.add(offset);
      offset += s.length();
      prev = e.tokenId();
    }
    return new CompletionLogprobs(toks, lps, tops, offsets);
  }

  private Map<String, Double> topMap(int prev, List<TopLogprob> top) {
    Map<String, Double> m = new LinkedHashMap<>();
    for (TopLogprob t : top) {
      m.putIfAbsent(texts.text(prev, t.tokenId()), t.logprob());
    }
    return m;
  }

  /** A completion stream chunk for one choice. */
  public CompletionResponse completionChunk(
      int choice, String text, CompletionLogprobs lp, String finish) {
    return new CompletionResponse(
        id,
        "text_completion",
        created,
        model,
        null,
        List.of(new CompletionResponse.Choice(choice, text, lp, finish)),
        null,
        variant);
  }

  /** The last completion chunk with usage and no choices ({@code include_usage}). */
  public CompletionResponse completionUsageChunk(Usage usage) {
    return new CompletionResponse(
        id, "text_completion", created, model, null, List.of(), usage, variant);
  }

  // ---- chat ------------------------------------------------------------------------------

  /** A whole {@code chat.completion}; a reply that makes tool calls becomes its calls. */
  ChatCompletionResponse chat(
      RequestRun run,
      List<GenerationResult> results,
      boolean logprobs,
      ToolChoice tools,
      Reasoning reasoning) {
    List<ChatCompletionResponse.Choice> choices = new ArrayList<>();
    for (int i = 0; i < results.size(); i++) {
      GenerationResult r = results.get(i);
      ChatLogprobs lp = logprobs ? chatLogprobs(run.promptIds(i), r.tokens()) : null;
      ThinkTags.Split split = reasoning.split(r.text());
      ToolChoice.Reply reply = reply(split, tools, reasoning);
      ChatCompletionResponse.Message m =
          new ChatCompletionResponse.Message(
              "assistant", reply.content(), null, reply.calls(), split.reasoning());
      String finish = reply.calls() != null ? tools.finishReason() : r.finishReason().wire();
      choices.add(new ChatCompletionResponse.Choice(i, m, lp, finish));
    }
    return new ChatCompletionResponse(
        id, "chat.completion", created, model, null, choices, usage(run, results), variant);
  }

  /** The content part of a reply as a message: calls or text (null when it only reasoned). */
  static ToolChoice.Reply reply(ThinkTags.Split split, ToolChoice tools, Reasoning reasoning) {
    if (split.content() == null && reasoning.active()) {
      return new ToolChoice.Reply(null, null);
    }
    return tools.reply(split.content() == null ? "" : split.content(), false);
  }

  /** Chat logprobs of generated tokens. */
  public ChatLogprobs chatLogprobs(int[] promptIds, List<TokenEvent> tokens) {
    List<ChatLogprobs.Entry> entries = new ArrayList<>();
    int prev = promptIds.length > 0 ? promptIds[promptIds.length - 1] : -1;
    for (TokenEvent e : tokens) {
      entries.add(chatEntry(prev, e));
      prev = e.tokenId();
    }
    return new ChatLogprobs(entries);
  }

  /** One chat logprobs entry. */
  public ChatLogprobs.Entry chatEntry(int prev, TokenEvent e) {
    String s = texts.text(prev, e.tokenId());
    List<ChatLogprobs.Top> top = new ArrayList<>();
    for (TopLogprob t : e.topLogprobs()) {
      String ts = texts.text(prev, t.tokenId());
      top.add(new ChatLogprobs.Top(ts, t.logprob(), TokenTexts.bytes(ts)));
    }
    return new ChatLogprobs.Entry(s, e.logprob(), TokenTexts.bytes(s), top);
  }

  /** A chat stream chunk. */
  public ChatCompletionChunk chatChunk(
      int choice, String role, String content, ChatLogprobs lp, String finish) {
    return chunk(choice, new ChatCompletionChunk.Delta(role, content, null, null), lp, finish);
  }

  /** A chat stream chunk of reasoning and/or content increments ("" = none). */
  ChatCompletionChunk chatChunk(int choice, String reasoning, String content, ChatLogprobs lp) {
    return chunk(
        choice,
        new ChatCompletionChunk.Delta(
            null,
            content.isEmpty() && !reasoning.isEmpty() ? null : content,
            null,
            reasoning.isEmpty() ? null : reasoning),
        lp,
        null);
  }

  /** A chunk carrying a choice's whole tool calls (streamed once the reply is complete). */
  ChatCompletionChunk toolCallsChunk(int choice, List<ToolCall> calls) {
    return chunk(choice, new ChatCompletionChunk.Delta(null, null, calls, null), null, null);
  }

  private ChatCompletionChunk chunk(
      int choice, ChatCompletionChunk.Delta delta, ChatLogprobs lp, String finish) {
    return new ChatCompletionChunk(
        id,
        "chat.completion.chunk",
        created,
        model,
        null,
        List.of(new ChatCompletionChunk.Choice(choice, delta, lp, finish)),
        null,
        variant);
  }

  /** The last chat chunk with usage and no choices. */
  public ChatCompletionChunk chatUsageChunk(Usage usage) {
    return new ChatCompletionChunk(
        id, "chat.completion.chunk", created, model, null, List.of(), usage, variant);
  }
}
