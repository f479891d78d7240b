package dev.shallows.engine.djl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.shallows.engine.Decoder;
import dev.shallows.engine.LlamaWeights;
import dev.shallows.engine.SequenceState;
import dev.shallows.store.LlamaConfig;
import java.util.List;

/**
 * {@link Decoder} on {@link DjlLlama}: the reference runtime and the GPU path. Native memory lives
 * in three tiers: the model's manager (weights), one manager per sequence (its KV cache, {@link
 * DjlSequence}), and a sub-manager per call for every temporary, closed before the call returns.
 *
 * <p>Prefill runs the whole prompt in one pass with a causal mask after the cached prefix. Batched
 * decode runs the projections and MLPs of all B sequences as one (B, 1, D) batch and attention per
 * sequence over its own cache, so sequences of different lengths need no padding.
 */
public final class DjlDecoder implements Decoder {

  private final DjlLlama model;
  private final boolean ownsModel;
  private final LinearSeam seam;
  private final int[] layers;

  /**
   * A decoder on frozen zero-copy weights with the settings from {@link ComputeSettings#resolve}.
   */
  public DjlDecoder(LlamaWeights weights) {
    this(weights, ComputeSettings.resolve());
  }

  /** A decoder on frozen zero-copy weights with the given device and dtype. */
  public DjlDecoder(LlamaWeights weights, ComputeSettings compute) {
    this(DjlLlama.frozen(weights, compute), true, LinearSeam.PLAIN);
  }

  /**
   * A decoder over an existing model (e.g. one being trained) with a seam (e.g. LoRA adapters);
   * closing the decoder does not close the model.
   */
  public DjlDecoder(DjlLlama model, LinearSeam seam) {
    this(model, false, seam);
  }

  private DjlDecoder(DjlLlama model, boolean ownsModel, LinearSeam seam) {
    this.model = model;
    this.ownsModel = ownsModel;
    this.seam = seam;
    this.layers = model.weights().originalLayerIndices();
  }

  public DjlLlama model() {
    return model;
  }

  @Override
  public LlamaConfig config() {
    return model.config();
  }

  @Override
  public int[] layers() {
    return layers.clone();
  }

  @Override
  public SequenceState newSequence(int capacity) {
    LlamaConfig c = config();
    int cap = Math.min(capacity, c.maxPositionEmbeddings());
    if (cap <= 0) {
      throw new IllegalArgumentException("sequence capacity must be positive, got " + capacity);
    }
    Shape shape = new Shape(model.numLayers(), c.numKeyValueHeads(), cap, c.headDim());
    return new DjlSequence(this, model.manager().newSubManager(), shape, model.compute().dtype());
  }

  @Override
  public float[][] prefill(SequenceState state, int[] tokens, boolean allPositions) {
    DjlSequence seq = own(state);
    int p0 = seq.length();
    int t = tokens.length;
    if (t == 0) {
      throw new IllegalArgumentException("prefill needs at least one token");
    }
    checkRoom(seq, t);
    try (NDManager step = seq.manager().newSubManager()) {
      NDArray ids = step.create(tokens, new Shape(1, t)); // (1, T)
      NDArray[] rot = model.rotary(step, DjlLlama.positions(p0, t), p0 + t); // (1, 1, T, hd)
      NDArray mask = t == 1 ? null : model.causalMask(step, 1, t, p0, null); // (1,1,1,T,S)
      DjlLlama.Attention cached =
          (l, q, k, v) -> {
            seq.write(l, p0, k, v);
            NDArray[] kv = seq.read(step, l, p0 + t); // (1, KVH, S, hd) each
            return model.attend(q, kv[0], kv[1], mask); // (1, T, Q)
          };
      NDArray x = model.embed(ids); // (1, T, D)
      for (int l = 0; l < model.numLayers(); l++) {
        x = model.layer(l, x, rot[0], rot[1], cached, seam);
      }
      if (!allPositions) {
        x = x.get(new NDIndex().addAllDim().addSliceDim(t - 1, t)); // (1, 1, D)
      }
      float[][] out = rows(model.head(x, seam)); // (T or 1, V)
      seq.advance(t);
      return out;
    }
  }

  @Override
  public float[][] decode(List<SequenceState> states, int[] tokens) {
    int b = states.size();
    if (tokens.length != b || b == 0) {
      throw new IllegalArgumentException(b + " sequences but " + tokens.length + " tokens");
    }
    DjlSequence[] seqs = new DjlSequence[b];
    int[][] pos = new int[b][];
    for (int i = 0; i < b; i++) {
      seqs[i] = own(states.get(i));
      checkRoom(seqs[i], 1);
      pos[i] = new int[] {seqs[i].length()};
      for (int j = 0; j < i; j++) {
        if (seqs[j] == seqs[i]) {
          throw new IllegalArgumentException("a sequence appears twice in one decode batch");
        }
      }
    }
    try (NDManager step = model.manager().newSubManager()) {
      NDArray ids = step.create(tokens, new Shape(b, 1)); // (B, 1)
      NDArray[] rot = model.rotaryRows(step, pos, 0); // (B, 1, 1, hd)
      DjlLlama.Attention perSequence =
          (l, q, k, v) -> {
            if (b == 1) {
              seqs[0].write(l, pos[0][0], k, v);
              NDArray[] kv = seqs[0].read(step, l, pos[0][0] + 1); // (1, KVH, S, hd)
              return model.attend(q, kv[0], kv[1], null); // (1, 1, Q)
            }
            NDList outs = new NDList(b);
            for (int i = 0; i < b; i++) {
              NDIndex row = new NDIndex().addSliceDim(i, i + 1);
              seqs[i].write(l, pos[i][0], k.get(step, row), v.get(step, row));
              NDArray[] kv = seqs[i].read(step, l, pos[i][0] + 1); // (1, KVH, S_i, hd)
              outs.add(model.attend(q.get(step, row), kv[0], kv[1], null)); // (1, 1, Q)
            }
            return NDArrays.concat(outs, 0); // (B, 1, Q)
          };
      NDArray x = model.embed(ids); // (B, 1, D)
      for (int l = 0; l < model.numLayers(); l++) {
        x = model.layer(l, x, rot[0], rot[1], perSequence, seam);
      }
      float[][] out = rows(model.head(x, seam)); // (B, V)
      for (DjlSequence s : seqs) {
        s.advance(1);
      }
      return out;
    }
  }

  @Override
  public float[][] residuals(int[] tokens) {
    int t = tokens.length;
    int d = config().hiddenSize();
    int n = model.numLayers();
    float[][] out = new float[n + 1][];
    try (NDManager step = model.manager().newSubManager()) {
      NDArray ids = step.create(tokens, new Shape(1, t)); // (1, T)
      NDArray[] rot = model.rotary(step, DjlLlama.positions(0, t), t);
      NDArray mask = model.causalMask(step, 1, t, null);
      DjlLlama.Attention full = (l, q, k, v) -> model.attend(q, k, v, mask);
      NDIndex last = new NDIndex().addAllDim().addIndices(t - 1); // (1, D)
      NDArray x = model.embed(ids); // (1, T, D)
      for (int l = 0; l < n; l++) {
        out[l] = x.get(last).toType(DataType.FLOAT32, false).toFloatArray();
        x = model.layer(l, x, rot[0], rot[1], full, seam);
      }
      out[n] = x.get(last).toType(DataType.FLOAT32, false).toFloatArray();
    }
    for (float[] r : out) {
      if (r.length != d) {
        throw new IllegalStateException("residual width " + r.length + " != hidden " + d);
      }
    }
    return out;
  }

  /** (1|B, T, V) logits to F32 rows on the heap. */
  private static float[][] rows(NDArray logits) {
    Shape s = logits.getShape();
    int n = (int) (s.get(0) * s.get(1));
    int v = (int) s.get(2);
    float[] flat = logits.toType(DataType.FLOAT32, false).toFloatArray();
    float[][] out = new float[n][v];
    for (int i = 0; i < n; i++) {
      System.arraycopy(flat, i * v, out[i], 0, v);
    }
    return out;
  }

  private DjlSequence own(SequenceState state) {
    if (!(state instanceof DjlSequence s) || s.owner() != this) {
      throw new IllegalArgumentException("sequence state does not belong to this decoder");
    }
    return s;
  }

  private static void checkRoom(DjlSequence s, int t) {
    if (s.length() + t > s.capacity()) {
      throw new IllegalArgumentException(
          "sequence full: "
              + s.length()
              + " + "
              + t
              + " tokens exceed its capacity of "
              + s.capacity());
    }
  }

  @Override
  public void close() {
    if (ownsModel) {
      model.close();
    }
  }
}
