package dev.shallows.pruning.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.shallows.store.AtomicDirectory;
import dev.shallows.store.SafetensorsWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A resumable training checkpoint directory, replaced atomically on every save: {@code
 * trainer_state.json} (steps done, seed, the settings that must match on resume, loss curve),
 * {@code trainable.safetensors} (the trainable parameters) and {@code optimizer.safetensors} (AdamW
 * moments). The data order and dropout depend only on (seed, step), so no RNG state is needed.
 */
public final class TrainingCheckpoint {

  static final String STATE = "trainer_state.json";
  static final String PARAMS = "trainable.safetensors";
  static final String OPTIM = "optimizer.safetensors";
  private static final ObjectMapper JSON = new ObjectMapper();

  /** What a checkpoint holds once read back. */
  public record Loaded(
      int step,
      List<Double> losses,
      long tokensSeen,
      Map<String, float[]> params,
      Map<String, float[]> optimizer) {}

  private TrainingCheckpoint() {}

  /** True if {@code dir} holds a complete checkpoint. */
  public static boolean exists(Path dir) {
    return dir != null && Files.isRegularFile(dir.resolve(STATE));
  }

  /** The step a complete checkpoint in {@code dir} was taken after. */
  public static int step(Path dir) {
    try {
      return JSON.readTree(dir.resolve(STATE).toFile()).path("step").asInt();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read checkpoint " + dir, e);
    }
  }

  /** Writes (or atomically replaces) the checkpoint in {@code dir}. */
  public static void save(
      Path dir,
      TrainerConfig c,
      int step,
      List<Double> losses,
      long tokensSeen,
      Map<String, NDArray> params,
      AdamW optimizer) {
    ObjectNode s = JSON.createObjectNode();
    s.put("step", step);
    s.put("tokens_seen", tokensSeen);
    identity(c, s.putObject("config"));
    ArrayNode curve = s.putArray("losses");
    losses.forEach(curve::add);
    try (AtomicDirectory out = AtomicDirectory.create(dir, true)) {
      SafetensorsWriter.write(out.path().resolve(PARAMS), Tensors.toTensors(params));
      SafetensorsWriter.write(out.path().resolve(OPTIM), Tensors.toTensors(optimizer.state()));
      JSON.writerWithDefaultPrettyPrinter().writeValue(out.path().resolve(STATE).toFile(), s);
      out.commit();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write checkpoint " + dir, e);
    }
  }

  /** Reads a checkpoint, failing if it was made with settings that change the run. */
  public static Loaded load(Path dir, TrainerConfig c, NDManager manager) {
    try {
      ObjectNode s = (ObjectNode) JSON.readTree(dir.resolve(STATE).toFile());
      ObjectNode expected = identity(c, JSON.createObjectNode());
      if (!expected.toString().equals(String.valueOf(s.get("config")))) {
        throw new IllegalArgumentException(
            "checkpoint "
                + dir
                + " was made with "
                + s.get("config")
                + " but this run has "
                + expected
                + "; resume with the same settings or use a fresh output directory");
      }
      List<Double> losses = new ArrayList<>();
      s.get("losses").forEach(n -> losses.add(n.asDouble()));
      return new Loaded(
          s.get("step").asInt(),
          losses,
          s.get("tokens_seen").asLong(),
          read(dir.resolve(PARAMS), manager),
          read(dir.resolve(OPTIM), manager));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read checkpoint " + dir, e);
    }
  }

  /** The settings a resumed run must share: they fix the schedule, the data order and dropout. */
  private static ObjectNode identity(TrainerConfig c, ObjectNode o) {
    o.put("steps", c.steps());
    o.put("batch_size", c.batchSize());
    o.put("seq_len", c.seqLen());
    o.put("lr", c.lr());
    o.put("min_lr", c.minLr());
    o.put("warmup_steps", c.warmupSteps());
    o.put("weight_decay", c.weightDecay());
    o.put("grad_clip", c.gradClip());
    o.put("seed", c.seed());
    return o;
  }

  private static Map<String, float[]> read(Path file, NDManager manager) throws IOException {
    Map<String, float[]> out = new LinkedHashMap<>();
    try (NDManager tmp = manager.newSubManager();
        InputStream in = Files.newInputStream(file)) {
      NDList list = NDList.decode(tmp, in);
      for (NDArray a : list) {
        out.put(a.getName(), a.toFloatArray());
      }
    }
    return out;
  }
}
