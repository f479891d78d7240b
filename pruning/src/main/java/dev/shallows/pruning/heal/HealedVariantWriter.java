package dev.shallows.pruning.heal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.shallows.pruning.surgery.WeightsHash;
import dev.shallows.store.AtomicDirectory;
import dev.shallows.store.Checkpoint;
import dev.shallows.store.ModelFiles;
import dev.shallows.store.SafetensorsWriter;
import dev.shallows.store.Tensor;
import dev.shallows.store.VariantManifest;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

/**
 * Writes the healed variant: the source checkpoint with the merged projections replaced (F32),
 * every other tensor copied byte for byte, config and side files copied, and the variant manifest
 * carried over from a pruned source (or a fresh one with n = 0 for an unpruned source) with the
 * healing record added. Atomic: an interrupted write leaves no directory.
 */
public final class HealedVariantWriter {

  private HealedVariantWriter() {}

  /**
   * @param sourceDir the model that was healed (its layer names are the view's names)
   * @param merged merged (out, in) weights by HF name
   * @param healing the healing record (config, loss curve) for the manifest
   * @param out the new variant directory (must not exist or be empty)
   */
  public static VariantManifest write(
      Path sourceDir, Map<String, float[]> merged, JsonNode healing, Path out) {
    try (Checkpoint src = Checkpoint.open(sourceDir);
        AtomicDirectory dir = AtomicDirectory.create(out, false)) {
      List<Tensor> tensors = new ArrayList<>();
      for (String name : src.names()) {
        Tensor t = src.tensor(name);
        float[] m = merged.get(name);
        tensors.add(m == null ? t : Tensor.ofFloats(name, t.shape(), m));
      }
      for (String name : merged.keySet()) {
        if (!src.has(name)) {
          throw new IllegalArgumentException(sourceDir + " has no tensor " + name);
        }
      }
      SafetensorsWriter.write(dir.path().resolve("model.safetensors"), tensors);
      src.config().write(dir.path());
      ModelFiles.copySideFiles(sourceDir, dir.path());
      VariantManifest manifest =
          manifest(sourceDir, src.config().numHiddenLayers()).withHealing(healing);
      manifest.write(dir.path());
      dir.commit();
      return manifest;
    }
  }

  /** The source's own manifest when it is a pruned variant, else an n = 0 manifest naming it. */
  private static VariantManifest manifest(Path sourceDir, int layers) {
    if (VariantManifest.exists(sourceDir)) {
      return VariantManifest.read(sourceDir);
    }
    return new VariantManifest(
        VariantManifest.FORMAT,
        sourceDir.toAbsolutePath().normalize().toString(),
        WeightsHash.sha256(sourceDir),
        layers,
        "none",
        0,
        List.of(),
        IntStream.range(0, layers).boxed().toList(),
        null,
        null,
        null,
        Instant.now().toString(),
        null);
  }
}
