package dev.shallows.server.inference;

import dev.shallows.server.openai.ChatCompletionChunk;
import dev.shallows.server.openai.CompletionResponse;
import dev.shallows.server.openai.Usage;
import java.util.ArrayList;
import java.util.List;

/**
 * vLLM's {@code stream_options.continuous_usage_stats}: every chunk of one choice carries that
 * choice's usage so far (its prompt tokens, the tokens generated until then); chunks without a
 * choice (the closing usage chunk) pass unchanged. Wraps a chunk encoder.
 */
final class ContinuousUsage implements SseStream.Encoder {

  private final RequestRun run;
  private final SseStream.Encoder inner;
  private final int[] generated;

  ContinuousUsage(RequestRun run, SseStream.Encoder inner) {
    this.run = run;
    this.inner = inner;
    this.generated = new int[run.choices()];
  }

  @Override
  public Iterable<Object> start() {
    return withUsage(inner.start());
  }

  @Override
  public Iterable<Object> on(RunEvent event) {
    if (event instanceof RunEvent.Token) {
      generated[event.choice()]++;
    }
    return withUsage(inner.on(event));
  }

  @Override
  public Iterable<Object> end() {
    return inner.end();
  }

  private Iterable<Object> withUsage(Iterable<Object> chunks) {
    List<Object> out = new ArrayList<>();
    for (Object c : chunks) {
      if (c instanceof CompletionResponse r && r.choices().size() == 1) {
        c = r.withUsage(usage(r.choices().get(0).index()));
      } else if (c instanceof ChatCompletionChunk r && r.choices().size() == 1) {
        c = r.withUsage(usage(r.choices().get(0).index()));
      }
      out.add(c);
    }
    return out;
  }

  /** Choice c's usage so far (cached prompt tokens are known only at the end: left out). */
  private Usage usage(int c) {
    int prompt = run.promptIds(c).length;
    return new Usage(prompt, generated[c], prompt + generated[c], null);
  }
}
