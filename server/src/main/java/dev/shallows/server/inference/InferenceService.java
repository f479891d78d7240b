package dev.shallows.server.inference;

import dev.shallows.engine.generate.Generation;
import dev.shallows.engine.generate.GenerationListener;
import dev.shallows.engine.generate.GenerationResult;
import dev.shallows.engine.generate.PromptLogprob;
import dev.shallows.engine.generate.QueueFullException;
import dev.shallows.engine.generate.SamplingParams;
import dev.shallows.engine.generate.TokenEvent;
import dev.shallows.server.config.ShallowsConfig;
import dev.shallows.server.error.ApiException;
import dev.shallows.server.error.RateLimitedException;
import dev.shallows.server.metrics.ServingMetrics;
import dev.shallows.server.model.ModelRegistry;
import dev.shallows.server.model.ModelService;
import dev.shallows.server.model.Variant;
import dev.shallows.server.routing.Agreement;
import dev.shallows.server.routing.Router;
import dev.shallows.store.TextTokenizer;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import org.jboss.logging.Logger;

/**
 * The serving layer's one door to the engine: routes a request to a variant, turns prompts into
 * token ids, submits one {@link Generation} per choice to the variant's continuous batcher (429
 * when its queue is full), runs the shadow variant when the route has one, and meters everything.
 * The heavy work runs on the batcher's platform thread; callers only wait.
 */
@ApplicationScoped
public class InferenceService {

  private static final Logger LOG = Logger.getLogger(InferenceService.class);

  private final ModelService models;
  private final ServingMetrics metrics;
  private final ShallowsConfig config;

  public InferenceService(ModelService models, ServingMetrics metrics, ShallowsConfig config) {
    this.models = models;
    this.metrics = metrics;
    this.config = config;
  }

  public ModelRegistry registry() {
    return models.registry();
  }

  /** Chooses the variant for {@code model} (sticky on the user, else the session header). */
  public Router.Decision route(String model, String user, String session) {
    String key =
        user != null && !user.isEmpty()
            ? "user:" + user
            : session == null ? null : "session:" + session;
    return models.router().route(model, key, registry().loaded());
  }

  /**
   * The variant that computes embeddings for {@code model}: the one it names, else the full model,
   * else the split's choice for one fixed key. Never a random split: vectors of different variants
   * are not comparable.
   */
  public String embeddingVariant(String model) {
    java.util.Set<String> loaded = registry().loaded();
    String forced = models.router().forcedVariant(model, loaded);
    if (forced != null) {
      return forced;
    }
    if (loaded.contains(ModelRegistry.FULL)) {
      return ModelRegistry.FULL;
    }
    return models.router().route(model, "embeddings", loaded).variant();
  }

  /** Token ids of a text prompt, BOS as the tokenizer's config says. */
  public int[] encode(String text) {
    TextTokenizer t = registry().tokenizer();
    return t.encode(text, t.addsBosByDefault());
  }

  /** Token ids of a rendered chat prompt (a template that writes BOS itself gets no second one). */
  public int[] encodeChat(String rendered) {
    TextTokenizer t = registry().tokenizer();
    String bos = registry().chatTemplate().bosToken();
    if (registry().chatTemplate().isDefault()) {
      return t.encode(rendered, t.addsBosByDefault());
    }
    if (!bos.isEmpty() && rendered.startsWith(bos)) {
      return t.encode(rendered.substring(bos.length()), true);
    }
    return t.encode(rendered, false);
  }

  /**
   * Fits {@code max_tokens} to the context: a prompt longer than the context is a 400 on {@code
   * prompt}; an explicit max_tokens that does not fit is a 400 on {@code maxParam}; the default is
   * clamped.
   */
  public SamplingParams fitContext(
      SamplingParams p, List<int[]> prompts, boolean explicitMax, String maxParam) {
    int ctx = registry().contextLength();
    int longest = prompts.stream().mapToInt(a -> a.length).max().orElse(0);
    if (longest > ctx) {
      throw ApiException.badRequest(
          "prompt",
          "This model's maximum context length is "
              + ctx
              + " tokens, but the prompt has "
              + longest
              + " tokens");
    }
    if (longest + p.maxTokens() > ctx) {
      if (explicitMax) {
        throw ApiException.badRequest(
            maxParam,
            "This model's maximum context length is "
                + ctx
                + " tokens; the prompt has "
                + longest
                + " tokens, so "
                + maxParam
                + " can be at most "
                + (ctx - longest));
      }
      return p.toBuilder().maxTokens(ctx - longest).build();
    }
    return p;
  }

  /**
   * Submits {@code n} choices per prompt to {@code decision}'s variant. Choice index = prompt * n +
   * j; with a seed, choice j uses seed + j so choices differ but stay reproducible.
   */
  public RequestRun submit(
      Router.Decision decision,
      List<int[]> prompts,
      int n,
      SamplingParams params,
      String endpoint) {
    Variant v = registry().get(decision.variant());
    TextTokenizer tok = registry().tokenizer();
    BlockingQueue<RunEvent> queue = RequestRun.newQueue();
    List<Generation> gens = new ArrayList<>();
    List<int[]> promptIds = new ArrayList<>();
    try {
      for (int[] ids : prompts) {
        for (int j = 0; j < n; j++) {
          SamplingParams pj =
              params.seed() != null && j > 0
                  ? params.toBuilder().seed(params.seed() + j).build()
                  : params;
          Generation g = new Generation(ids, pj, tok);
          int choice = gens.size();
          v.batcher().submit(g, new Metered(v.name(), choice, queue, ids.length));
          gens.add(g);
          promptIds.add(ids);
        }
      }
    } catch (QueueFullException e) {
      gens.forEach(Generation::abort);
      metrics.rejected(v.name());
      throw new RateLimitedException(v.name(), config.batching().retryAfterSeconds());
    } catch (RuntimeException e) {
      gens.forEach(Generation::abort);
      throw e;
    }
    metrics.request(v.name(), endpoint);
    decision.shadow().ifPresent(s -> shadow(s, v.name(), prompts.get(0), params, gens.get(0)));
    return new RequestRun(v, gens, promptIds, queue);
  }

  /** Runs the first prompt on the shadow variant and records agreement with the primary. */
  private void shadow(String shadow, String primary, int[] prompt, SamplingParams p, Generation g) {
    Variant sv;
    try {
      sv = registry().get(shadow);
    } catch (ApiException e) {
      return;
    }
    Generation sg = new Generation(prompt, p, registry().tokenizer());
    try {
      sv.batcher().submit(sg, GenerationListener.NONE);
    } catch (QueueFullException e) {
      metrics.rejected(shadow);
      return;
    }
    CompletableFuture<GenerationResult> a = g.result();
    a.thenCombine(sg.result(), (x, y) -> new int[][] {x.tokenIds(), y.tokenIds()})
        .thenAccept(
            t ->
                metrics.shadowAgreement(
                    primary,
                    shadow,
                    Agreement.exactMatch(t[0], t[1]),
                    Agreement.tokenOverlap(t[0], t[1])))
        .exceptionally(
            e -> {
              LOG.debugf("shadow %s skipped: %s", shadow, e);
              return null;
            });
  }

  /** Forwards events to the request's queue and records latency metrics. */
  private final class Metered implements GenerationListener {
    private final String variant;
    private final int choice;
    private final BlockingQueue<RunEvent> queue;
    private final int promptTokens;
    private final long submitted = System.nanoTime();
    private long last;

    Metered(String variant, int choice, BlockingQueue<RunEvent> queue, int promptTokens) {
      this.variant = variant;
      this.choice = choice;
      this.queue = queue;
      this.promptTokens = promptTokens;
    }

    @Override
    public void onPromptLogprobs(List<PromptLogprob> logprobs) {
      queue.add(new RunEvent.Prompt(choice, logprobs));
    }

    @Override
    public void onToken(TokenEvent event) {
      long now = System.nanoTime();
      if (last == 0) {
        metrics.timeToFirstToken(variant, now - submitted);
      } else {
        metrics.interTokenLatency(variant, now - last);
      }
      last = now;
      queue.add(new RunEvent.Token(choice, event));
    }

    @Override
    public void onComplete(GenerationResult result) {
      if (result.finishReason() == dev.shallows.engine.generate.FinishReason.ABORT) {
        metrics.aborted(variant);
      }
      metrics.finished(
          variant, promptTokens, result.completionTokens(), System.nanoTime() - submitted);
      queue.add(new RunEvent.Done(choice, result));
    }

    @Override
    public void onError(Throwable error) {
      metrics.error(variant, "generate", error.getClass().getSimpleName());
      queue.add(new RunEvent.Failed(choice, error));
    }
  }
}
