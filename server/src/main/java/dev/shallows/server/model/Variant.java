package dev.shallows.server.model;

import dev.shallows.engine.Decoder;
import dev.shallows.engine.LlamaWeights;
import dev.shallows.engine.generate.ContinuousBatcher;
import dev.shallows.pruning.LoadedModel;
import dev.shallows.store.VariantManifest;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;

/**
 * A served variant of the model: a weights view (the full model, or the parent's layers kept by a
 * pruning manifest: shared, no copy), its decoder and the continuous batcher that owns the decoder.
 * A healed variant has its own merged weights ({@code own} is then its opened checkpoint).
 *
 * @param name variant name ({@code full}, {@code pruned-1}, ...)
 * @param weights the weights view the decoder runs
 * @param decoder the runtime
 * @param batcher schedules all requests of this variant
 * @param manifest how it was made, null for {@code full}
 * @param dir where it persists, null for {@code full}
 * @param own a separately opened checkpoint (healed variants), else null
 * @param loadedAt when it was loaded
 */
public record Variant(
    String name,
    LlamaWeights weights,
    Decoder decoder,
    ContinuousBatcher batcher,
    VariantManifest manifest,
    Path dir,
    LoadedModel own,
    Instant loadedAt) {

  /** True when this variant reads the parent's weights (no extra weight memory). */
  public boolean sharesParentWeights() {
    return own == null;
  }

  /** Original layer indices this variant runs. */
  public int[] layers() {
    return weights.originalLayerIndices();
  }

  /** Lets running requests finish for up to {@code grace}, then frees the decoder. */
  public void close(Duration grace) {
    batcher.shutdown(grace);
    decoder.close();
    if (own != null) {
      own.close();
    }
  }
}
