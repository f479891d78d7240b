package dev.shallows.server.metrics;

import dev.shallows.server.model.Variant;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Prometheus meters with a {@code variant} label: requests, errors, time to first token,
 * inter-token latency, tokens/s, queue depth, active sequences, batch size, KV cache bytes, shadow
 * agreement and job progress. Gauges of a variant exist while it is loaded.
 */
@ApplicationScoped
public class ServingMetrics {

  private final MeterRegistry registry;
  private final Map<String, List<Meter>> gauges = new ConcurrentHashMap<>();

  public ServingMetrics(MeterRegistry registry) {
    this.registry = registry;
  }

  /** Gauges read from the variant's batcher. */
  public void variantAdded(Variant v) {
    Tags t = Tags.of("variant", v.name());
    variantRemoved(v.name());
    gauges.put(
        v.name(),
        List.of(
            Gauge.builder("shallows_queue_depth", v.batcher(), b -> b.queueDepth())
                .description("Requests waiting to join the batch")
                .tags(t)
                .register(registry),
            Gauge.builder("shallows_active_sequences", v.batcher(), b -> b.activeSequences())
                .description("Sequences in the running batch")
                .tags(t)
                .register(registry),
            Gauge.builder("shallows_batch_size", v.batcher(), b -> b.lastBatchSize())
                .description("Sequences in the most recent decode step")
                .tags(t)
                .register(registry),
            Gauge.builder("shallows_kv_cache_bytes", v.batcher(), b -> b.kvCacheBytes())
                .description("KV cache bytes held by active sequences")
                .baseUnit("bytes")
                .tags(t)
                .register(registry),
            Gauge.builder("shallows_prompt_cache_bytes", v.batcher(), b -> b.promptCacheBytes())
                .description("KV cache bytes kept for later prompts that start the same way")
                .baseUnit("bytes")
                .tags(t)
                .register(registry),
            FunctionCounter.builder(
                    "shallows_prompt_cache_hits", v.batcher(), b -> b.promptCacheHits())
                .description("Prompts that reused a cached prefix")
                .tags(t)
                .register(registry),
            FunctionCounter.builder(
                    "shallows_prefill_tokens", v.batcher(), b -> b.prefilledTokens())
                .description(
                    "Prompt tokens prefilled (not those from the prompt cache or shared between"
                        + " the choices of one prompt)")
                .tags(t)
                .register(registry),
            FunctionCounter.builder(
                    "shallows_prompt_cache_tokens", v.batcher(), b -> b.promptCacheTokens())
                .description("Prompt tokens taken from the prompt cache instead of prefilled")
                .tags(t)
                .register(registry),
            Gauge.builder("shallows_variant_layers", v, x -> x.layers().length)
                .description("Decoder layers the variant runs")
                .tags(t)
                .register(registry)));
  }

  public void variantRemoved(Variant v) {
    variantRemoved(v.name());
  }

  private void variantRemoved(String name) {
    List<Meter> old = gauges.remove(name);
    if (old != null) {
      old.forEach(registry::remove);
    }
  }

  public void request(String variant, String endpoint) {
    Counter.builder("shallows_requests")
        .description("Requests served")
        .tags("variant", variant, "endpoint", endpoint)
        .register(registry)
        .increment();
  }

  public void error(String variant, String endpoint, String kind) {
    Counter.builder("shallows_request_errors")
        .description("Requests that failed after routing")
        .tags("variant", variant, "endpoint", endpoint, "kind", kind)
        .register(registry)
        .increment();
  }

  public void rejected(String variant) {
    Counter.builder("shallows_requests_rejected")
        .description("Requests refused with 429 (queue full)")
        .tags("variant", variant)
        .register(registry)
        .increment();
  }

  public void aborted(String variant) {
    Counter.builder("shallows_generations_aborted")
        .description("Generations aborted (client disconnect)")
        .tags("variant", variant)
        .register(registry)
        .increment();
  }

  public void timeToFirstToken(String variant, long nanos) {
    Timer.builder("shallows_time_to_first_token")
        .description("From submission to the first generated token")
        .tags("variant", variant)
        .publishPercentiles(0.5, 0.95)
        .register(registry)
        .record(Duration.ofNanos(nanos));
  }

  public void interTokenLatency(String variant, long nanos) {
    Timer.builder("shallows_inter_token_latency")
        .description("Time between consecutive generated tokens")
        .tags("variant", variant)
        .register(registry)
        .record(Duration.ofNanos(nanos));
  }

  public void finished(String variant, int promptTokens, int completionTokens, long nanos) {
    Counter.builder("shallows_prompt_tokens")
        .tags("variant", variant)
        .register(registry)
        .increment(promptTokens);
    Counter.builder("shallows_generation_tokens")
        .tags("variant", variant)
        .register(registry)
        .increment(completionTokens);
    if (completionTokens > 0 && nanos > 0) {
      DistributionSummary.builder("shallows_tokens_per_second")
          .description("Generated tokens per second of one generation")
          .tags("variant", variant)
          .register(registry)
          .record(completionTokens / (nanos / 1e9));
    }
  }

  public void shadowAgreement(String primary, String shadow, double exact, double overlap) {
    DistributionSummary.builder("shallows_shadow_agreement")
        .description("Agreement of the shadow variant with the primary (1 = same output)")
        .tags("primary", primary, "shadow", shadow, "metric", "exact_match")
        .register(registry)
        .record(exact);
    DistributionSummary.builder("shallows_shadow_agreement")
        .tags("primary", primary, "shadow", shadow, "metric", "token_overlap")
        .register(registry)
        .record(overlap);
  }
}
