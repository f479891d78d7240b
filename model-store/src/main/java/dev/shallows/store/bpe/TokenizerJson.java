package dev.shallows.store.bpe;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Writes a trained byte-level BPE vocabulary as a Hugging Face {@code tokenizer.json} (ByteLevel
 * pre-tokenizer and decoder, BPE model, Llama-style special tokens {@code <unk>}=0, {@code <s>}=1,
 * {@code </s>}=2, and a post-processor that prepends {@code <s>}) plus a {@code
 * tokenizer_config.json} naming the special tokens.
 */
public final class TokenizerJson {

  public static final String UNK = "<unk>";
  public static final String BOS = "<s>";
  public static final String EOS = "</s>";
  public static final List<String> SPECIALS = List.of(UNK, BOS, EOS);

  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private TokenizerJson() {}

  /** The tokenizer.json document: specials first, then the vocabulary's symbols in order. */
  public static ObjectNode toJson(BpeTrainer.Vocabulary vocab) {
    ObjectNode root = JSON.createObjectNode();
    root.put("version", "1.0");
    root.putNull("truncation");
    root.putNull("padding");
    ArrayNode added = root.putArray("added_tokens");
    for (int id = 0; id < SPECIALS.size(); id++) {
      ObjectNode t = added.addObject();
      t.put("id", id);
      t.put("content", SPECIALS.get(id));
      t.put("single_word", false);
      t.put("lstrip", false);
      t.put("rstrip", false);
      t.put("normalized", false);
      t.put("special", true);
    }
    root.putNull("normalizer");
    root.set("pre_tokenizer", byteLevel(false));
    ObjectNode post = root.putObject("post_processor");
    post.put("type", "TemplateProcessing");
    ArrayNode single = post.putArray("single");
    single.addObject().putObject("SpecialToken").put("id", BOS).put("type_id", 0);
    single.addObject().putObject("Sequence").put("id", "A").put("type_id", 0);
    ArrayNode pair = post.putArray("pair");
    pair.addObject().putObject("SpecialToken").put("id", BOS).put("type_id", 0);
    pair.addObject().putObject("Sequence").put("id", "A").put("type_id", 0);
    pair.addObject().putObject("SpecialToken").put("id", BOS).put("type_id", 1);
    pair.addObject().putObject("Sequence").put("id", "B").put("type_id", 1);
    ObjectNode bos = post.putObject("special_tokens").putObject(BOS);
    bos.put("id", BOS);
    bos.putArray("ids").add(SPECIALS.indexOf(BOS));
    bos.putArray("tokens").add(BOS);
    root.set("decoder", byteLevel(true));
    ObjectNode model = root.putObject("model");
    model.put("type", "BPE");
    model.putNull("dropout");
    model.putNull("unk_token");
    model.putNull("continuing_subword_prefix");
    model.putNull("end_of_word_suffix");
    model.put("fuse_unk", false);
    model.put("byte_fallback", false);
    model.put("ignore_merges", false);
    ObjectNode v = model.putObject("vocab");
    for (int id = 0; id < SPECIALS.size(); id++) {
      v.put(SPECIALS.get(id), id);
    }
    for (int i = 0; i < vocab.symbols().size(); i++) {
      v.put(vocab.symbols().get(i), SPECIALS.size() + i);
    }
    ArrayNode merges = model.putArray("merges");
    for (String[] m : vocab.merges()) {
      merges.add(m[0] + " " + m[1]); // byte-level symbols never contain a plain space
    }
    return root;
  }

  private static ObjectNode byteLevel(boolean decoder) {
    ObjectNode n = JSON.createObjectNode();
    n.put("type", "ByteLevel");
    n.put("add_prefix_space", decoder);
    n.put("trim_offsets", true);
    n.put("use_regex", true);
    return n;
  }

  /** The vocabulary size the written tokenizer will have (specials + symbols). */
  public static int size(BpeTrainer.Vocabulary vocab) {
    return SPECIALS.size() + vocab.symbols().size();
  }

  /** Writes {@code tokenizer.json} and {@code tokenizer_config.json} into {@code dir}. */
  public static void write(BpeTrainer.Vocabulary vocab, Path dir) {
    ObjectNode config = JSON.createObjectNode();
    config.put("tokenizer_class", "PreTrainedTokenizerFast");
    config.put("bos_token", BOS);
    config.put("eos_token", EOS);
    config.put("unk_token", UNK);
    config.put("add_bos_token", true);
    config.put("add_eos_token", false);
    config.put("clean_up_tokenization_spaces", false);
    try {
      Files.createDirectories(dir);
      Files.writeString(
          dir.resolve("tokenizer.json"),
          JSON.writeValueAsString(toJson(vocab)) + "\n",
          StandardCharsets.UTF_8);
      Files.writeString(
          dir.resolve("tokenizer_config.json"),
          JSON.writeValueAsString(config) + "\n",
          StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write tokenizer to " + dir + ": " + e.getMessage(), e);
    }
  }
}
