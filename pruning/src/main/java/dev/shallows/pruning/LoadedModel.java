package dev.shallows.pruning;

import dev.shallows.engine.Decoder;
import dev.shallows.engine.Decoders;
import dev.shallows.engine.LlamaWeights;
import dev.shallows.pruning.data.TokenEncoder;
import dev.shallows.store.Checkpoint;
import dev.shallows.store.TextTokenizer;
import java.nio.file.Path;

/**
 * A model directory opened for pruning work: the memory-mapped checkpoint, its weights, and its
 * tokenizer. Variants are views ({@link LlamaWeights#keep(int[])}) over the same weights; {@link
 * #decoder(LlamaWeights)} makes a runtime for any of them. Closing unmaps the weights.
 */
public final class LoadedModel implements AutoCloseable {

  private final Path dir;
  private final Checkpoint checkpoint;
  private final LlamaWeights weights;
  private final TextTokenizer tokenizer;

  private LoadedModel(
      Path dir, Checkpoint checkpoint, LlamaWeights weights, TextTokenizer tokenizer) {
    this.dir = dir;
    this.checkpoint = checkpoint;
    this.weights = weights;
    this.tokenizer = tokenizer;
  }

  /** Opens an HF model directory (config.json, safetensors, tokenizer.json). */
  public static LoadedModel open(Path dir) {
    Checkpoint ckpt = Checkpoint.open(dir);
    try {
      LlamaWeights w = LlamaWeights.load(ckpt);
      return new LoadedModel(dir, ckpt, w, TextTokenizer.load(dir));
    } catch (RuntimeException e) {
      ckpt.close();
      throw e;
    }
  }

  public Path directory() {
    return dir;
  }

  /** All weights of the model as loaded (the unpruned view). */
  public LlamaWeights weights() {
    return weights;
  }

  public TextTokenizer tokenizer() {
    return tokenizer;
  }

  /** Text to ids with BOS first (when the model has one), as a fresh sequence starts. */
  public TokenEncoder encoder() {
    return text -> tokenizer.encode(text, true);
  }

  /** A decoder for the full model. */
  public Decoder decoder() {
    return decoder(weights);
  }

  /**
   * A decoder for a view of this model's weights (e.g. a pruned variant), chosen by {@link
   * Decoders} for batch-1 work (evaluation and analysis run one sequence at a time).
   */
  public Decoder decoder(LlamaWeights view) {
    return Decoders.create(view, 1);
  }

  @Override
  public void close() {
    tokenizer.close();
    checkpoint.close();
  }
}
