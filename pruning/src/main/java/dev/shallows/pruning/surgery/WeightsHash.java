package dev.shallows.pruning.surgery;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.TreeSet;

/**
 * The sha256 that identifies a model's weights in variant manifests: of {@code model.safetensors}
 * when present, else of the shard files named by {@code model.safetensors.index.json}, fed in
 * sorted order into one digest.
 */
public final class WeightsHash {

  private WeightsHash() {}

  /** Hex sha256 of the model directory's weights. */
  public static String sha256(Path modelDir) {
    Path single = modelDir.resolve("model.safetensors");
    Path index = modelDir.resolve("model.safetensors.index.json");
    MessageDigest md;
    try {
      md = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
    try {
      if (Files.exists(single)) {
        feed(md, single);
      } else if (Files.exists(index)) {
        JsonNode map = new ObjectMapper().readTree(index.toFile()).path("weight_map");
        TreeSet<String> shards = new TreeSet<>();
        for (Iterator<JsonNode> it = map.elements(); it.hasNext(); ) {
          shards.add(it.next().asText());
        }
        for (String s : shards) {
          feed(md, modelDir.resolve(s));
        }
      } else {
        throw new IllegalArgumentException(modelDir + " has no safetensors weights");
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot hash weights in " + modelDir, e);
    }
    return HexFormat.of().formatHex(md.digest());
  }

  private static void feed(MessageDigest md, Path file) throws IOException {
    byte[] buf = new byte[1 << 20];
    try (InputStream in = Files.newInputStream(file)) {
      for (int r = in.read(buf); r > 0; r = in.read(buf)) {
        md.update(buf, 0, r);
      }
    }
  }
}
