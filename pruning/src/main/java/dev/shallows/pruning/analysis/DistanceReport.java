package dev.shallows.pruning.analysis;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Writes a {@link DistanceTable} as CSV (one row per block size n, one column per start ℓ, blank
 * where ℓ+n > L) and as JSON (the table, ℓ*(n) and the ORIGINAL layer indices each best block
 * removes, block influence, sample count and calibration description).
 */
public final class DistanceReport {

  static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private DistanceReport() {}

  /** The CSV text: header {@code n,l0,...,l(L-1),best_start}. */
  public static String csv(DistanceTable t) {
    StringBuilder sb = new StringBuilder("n");
    int layers = t.layers();
    for (int l = 0; l < layers; l++) {
      sb.append(",l").append(l);
    }
    sb.append(",best_start\n");
    for (int n = 1; n < layers; n++) {
      sb.append(n);
      for (int l = 0; l < layers; l++) {
        sb.append(',');
        if (l + n <= layers) {
          sb.append(String.format(Locale.ROOT, "%.6f", t.distance(n, l)));
        }
      }
      sb.append(',').append(t.bestStart(n)).append('\n');
    }
    return sb.toString();
  }

  /** The JSON document. */
  public static ObjectNode json(DistanceTable t, String calibration) {
    ObjectNode root = JSON.createObjectNode();
    root.put("layers", t.layers());
    ArrayNode idx = root.putArray("layer_indices");
    for (int i : t.layerIndices()) {
      idx.add(i);
    }
    root.put("samples", t.samples());
    root.put("calibration", calibration);
    root.put(
        "definition",
        "distances[n-1][l] = mean over samples of arccos(cos(x(l), x(l+n)))/pi at the last token;"
            + " x(l) is the input of layer l, x(L) the last layer's output before the final norm");
    ArrayNode rows = root.putArray("blocks");
    for (int n = 1; n < t.layers(); n++) {
      ObjectNode row = rows.addObject();
      row.put("n", n);
      ArrayNode d = row.putArray("distances");
      for (int l = 0; l + n <= t.layers(); l++) {
        d.add(t.distance(n, l));
      }
      int best = t.bestStart(n);
      row.put("best_start", best);
      row.put("best_distance", t.distance(n, best));
      ArrayNode removed = row.putArray("removed_original");
      for (int l = best; l < best + n; l++) {
        removed.add(t.layerIndices()[l]);
      }
    }
    ArrayNode bi = root.putArray("block_influence");
    for (double v : t.blockInfluence()) {
      bi.add(v);
    }
    return root;
  }

  /** Writes {@code distances.csv} and {@code distances.json} into {@code dir} (created). */
  public static void write(Path dir, DistanceTable t, String calibration) {
    try {
      Files.createDirectories(dir);
      Files.writeString(dir.resolve("distances.csv"), csv(t), StandardCharsets.UTF_8);
      JSON.writeValue(dir.resolve("distances.json").toFile(), json(t, calibration));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the distance table to " + dir, e);
    }
  }
}
