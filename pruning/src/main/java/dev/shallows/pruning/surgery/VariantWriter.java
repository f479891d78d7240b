package dev.shallows.pruning.surgery;

import dev.shallows.pruning.Cancellation;
import dev.shallows.pruning.ProgressListener;
import dev.shallows.pruning.analysis.DistanceTable;
import dev.shallows.pruning.analysis.PruningPlan;
import dev.shallows.store.AtomicDirectory;
import dev.shallows.store.Checkpoint;
import dev.shallows.store.ModelFiles;
import dev.shallows.store.SafetensorsWriter;
import dev.shallows.store.Tensor;
import dev.shallows.store.VariantManifest;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Model surgery: writes a pruned variant of an HF checkpoint directory as a new, valid HF
 * checkpoint. Kept layers are renumbered 0..L'-1 in order, {@code num_hidden_layers} is rewritten,
 * tensors keep their dtype and bytes, tokenizer and other side files are copied, and a {@link
 * VariantManifest} is added. The directory appears atomically (temp dir + rename): an interrupted
 * or cancelled write leaves no variant.
 */
public final class VariantWriter {

  private static final Pattern LAYER = Pattern.compile("^model\\.layers\\.(\\d+)\\.(.+)$");

  private VariantWriter() {}

  /**
   * Writes the variant of {@code sourceDir} described by {@code plan} (whose positions refer to the
   * source checkpoint's layer list) to {@code out}, which must not exist or be empty.
   *
   * @param table the distance table behind the plan, or null
   * @param calibration description of the calibration data, or null
   * @param progress called after each of three steps (weights, config and side files, manifest)
   * @param cancel checked between the steps
   * @return the manifest written
   */
  public static VariantManifest write(
      Path sourceDir,
      PruningPlan plan,
      DistanceTable table,
      String calibration,
      Path out,
      ProgressListener progress,
      Cancellation cancel) {
    try (Checkpoint src = Checkpoint.open(sourceDir);
        AtomicDirectory dir = AtomicDirectory.create(out, false)) {
      int layers = src.config().numHiddenLayers();
      int covered = plan.keptPositions().length + plan.removedPositions().length;
      if (covered != layers) {
        throw new IllegalArgumentException(
            "plan covers " + covered + " layers, " + sourceDir + " has " + layers);
      }
      Map<Integer, Integer> renumber = new HashMap<>();
      int[] kept = plan.keptPositions();
      for (int i = 0; i < kept.length; i++) {
        renumber.put(kept[i], i);
      }
      List<Tensor> tensors = new ArrayList<>();
      for (String name : src.names()) {
        Matcher m = LAYER.matcher(name);
        if (!m.matches()) {
          tensors.add(src.tensor(name));
          continue;
        }
        Integer to = renumber.get(Integer.parseInt(m.group(1)));
        if (to != null) {
          Tensor t = src.tensor(name);
          tensors.add(
              new Tensor("model.layers." + to + "." + m.group(2), t.dtype(), t.shape(), t.data()));
        }
      }
      Path tmp = dir.path();
      VariantManifest manifest = manifest(sourceDir, layers, plan, table, calibration);
      // three steps, with a progress event and a cancellation point after each
      cancel.check();
      SafetensorsWriter.write(tmp.resolve("model.safetensors"), tensors);
      progress.progress("write", 1, 3);
      cancel.check();
      src.config().withNumHiddenLayers(kept.length).write(tmp);
      ModelFiles.copySideFiles(sourceDir, tmp);
      progress.progress("write", 2, 3);
      cancel.check();
      manifest.write(tmp);
      dir.commit();
      progress.progress("write", 3, 3);
      return manifest;
    }
  }

  static VariantManifest manifest(
      Path sourceDir, int layers, PruningPlan plan, DistanceTable table, String calibration) {
    List<List<Double>> distances = null;
    if (table != null) {
      distances = new ArrayList<>();
      for (double[] row : table.distances()) {
        distances.add(Arrays.stream(row).boxed().toList());
      }
    }
    return new VariantManifest(
        VariantManifest.FORMAT,
        sourceDir.toAbsolutePath().normalize().toString(),
        WeightsHash.sha256(sourceDir),
        layers,
        plan.strategy().cliName(),
        plan.n(),
        Arrays.stream(plan.removedOriginal()).boxed().toList(),
        Arrays.stream(plan.keptOriginal()).boxed().toList(),
        Double.isNaN(plan.blockDistance()) ? null : plan.blockDistance(),
        distances,
        calibration,
        Instant.now().toString(),
        null);
  }
}
