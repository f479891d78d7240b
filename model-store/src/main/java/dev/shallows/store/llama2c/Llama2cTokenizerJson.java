package dev.shallows.store.llama2c;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds a Hugging Face {@code tokenizer.json} (Llama style: SentencePiece-like BPE with byte
 * fallback) that encodes exactly as llama2.c's {@code run.c} does with a llama2.c vocabulary.
 *
 * <p>run.c splits the text (with a dummy-prefix space) into characters, then repeatedly merges the
 * adjacent pair whose concatenation is the vocabulary entry with the highest score. A BPE model
 * does the same when every split (a, b) of a token t with a and b both in the vocabulary is a merge
 * ranked by t's score. Ids 0-2 become {@code <unk>}, {@code <s>}, {@code </s>}; ids 3-258 must be
 * the byte tokens {@code <0x00>}..{@code <0xFF>}; spaces inside pieces become {@code ▁}.
 */
public final class Llama2cTokenizerJson {

  /** SentencePiece's visible space. */
  public static final String SPACE = "\u2581";

  static final String[] SPECIALS = {"<unk>", "<s>", "</s>"};
  static final int FIRST_BYTE_ID = 3;
  static final int FIRST_NORMAL_ID = FIRST_BYTE_ID + 256;

  private static final ObjectMapper JSON = new ObjectMapper();

  private Llama2cTokenizerJson() {}

  /** One BPE merge: left + right = the token with id {@code result}. */
  record Merge(String left, String right, int result, float score, int split) {}

  /** The vocabulary as HF pieces (▁ for space, special names for ids 0-2), by id. */
  static List<String> hfPieces(Llama2cVocab vocab) {
    if (vocab.size() < FIRST_NORMAL_ID) {
      throw new IllegalArgumentException(
          "tokenizer has " + vocab.size() + " tokens; a llama2.c vocabulary has at least 259");
    }
    List<String> out = new ArrayList<>(vocab.size());
    for (int id = 0; id < vocab.size(); id++) {
      String p = vocab.pieces().get(id);
      if (id < FIRST_BYTE_ID) {
        out.add(SPECIALS[id]);
      } else if (id < FIRST_NORMAL_ID) {
        String expected = String.format("<0x%02X>", id - FIRST_BYTE_ID);
        if (!p.equals(expected)) {
          throw new IllegalArgumentException(
              "token " + id + " is '" + p + "', expected the byte token " + expected);
        }
        out.add(p);
      } else {
        out.add(p.replace(" ", SPACE));
      }
    }
    return out;
  }

  /** All merges, best first: every split of every normal token into two normal tokens. */
  static List<Merge> merges(Llama2cVocab vocab, List<String> pieces) {
    Map<String, Integer> normal = new HashMap<>();
    for (int id = FIRST_NORMAL_ID; id < pieces.size(); id++) {
      if (normal.putIfAbsent(pieces.get(id), id) != null) {
        throw new IllegalArgumentException("token '" + pieces.get(id) + "' appears twice");
      }
    }
    List<Merge> merges = new ArrayList<>();
    for (int id = FIRST_NORMAL_ID; id < pieces.size(); id++) {
      String t = pieces.get(id);
      for (int k = t.offsetByCodePoints(0, 1); k < t.length(); k = t.offsetByCodePoints(k, 1)) {
        String a = t.substring(0, k);
        String b = t.substring(k);
        if (normal.containsKey(a) && normal.containsKey(b)) {
          merges.add(new Merge(a, b, id, vocab.scores()[id], k));
        }
      }
    }
    // run.c takes the highest score; equal scores only arise between splits of one token.
    merges.sort(
        Comparator.comparingDouble((Merge m) -> -m.score())
            .thenComparingInt(Merge::result)
            .thenComparingInt(Merge::split));
    return merges;
  }

  /** The whole {@code tokenizer.json}. */
  public static ObjectNode tokenizerJson(Llama2cVocab vocab) {
    List<String> pieces = hfPieces(vocab);
    ObjectNode root = JSON.createObjectNode();
    root.put("version", "1.0");
    root.putNull("truncation");
    root.putNull("padding");
    ArrayNode added = root.putArray("added_tokens");
    for (int id = 0; id < SPECIALS.length; id++) {
      added
          .addObject()
          .put("id", id)
          .put("content", SPECIALS[id])
          .put("single_word", false)
          .put("lstrip", false)
          .put("rstrip", false)
          .put("normalized", false)
          .put("special", true);
    }
    ObjectNode norm = root.putObject("normalizer").put("type", "Sequence");
    ArrayNode ns = norm.putArray("normalizers");
    ns.addObject().put("type", "Prepend").put("prepend", SPACE); // only for non-empty text
    ObjectNode rep = ns.addObject().put("type", "Replace");
    rep.putObject("pattern").put("String", " ");
    rep.put("content", SPACE);
    root.putNull("pre_tokenizer");
    root.set("post_processor", bosTemplate());
    ObjectNode dec = root.putObject("decoder").put("type", "Sequence");
    ArrayNode ds = dec.putArray("decoders");
    ObjectNode drep = ds.addObject().put("type", "Replace");
    drep.putObject("pattern").put("String", SPACE);
    drep.put("content", " ");
    ds.addObject().put("type", "ByteFallback");
    ds.addObject().put("type", "Fuse");
    ds.addObject().put("type", "Strip").put("content", " ").put("start", 1).put("stop", 0);
    ObjectNode model = root.putObject("model");
    model.put("type", "BPE");
    model.putNull("dropout");
    model.put("unk_token", SPECIALS[0]);
    model.putNull("continuing_subword_prefix");
    model.putNull("end_of_word_suffix");
    model.put("fuse_unk", true);
    model.put("byte_fallback", true);
    model.put("ignore_merges", false);
    ObjectNode v = model.putObject("vocab");
    for (int id = 0; id < pieces.size(); id++) {
      v.put(pieces.get(id), id);
    }
    ArrayNode m = model.putArray("merges");
    for (Merge merge : merges(vocab, pieces)) {
      m.addArray().add(merge.left()).add(merge.right());
    }
    return root;
  }

  /** Llama's post-processor: BOS before each sequence (used when special tokens are added). */
  private static ObjectNode bosTemplate() {
    ObjectNode pp = JSON.createObjectNode().put("type", "TemplateProcessing");
    ArrayNode single = pp.putArray("single");
    single.addObject().putObject("SpecialToken").put("id", SPECIALS[1]).put("type_id", 0);
    single.addObject().putObject("Sequence").put("id", "A").put("type_id", 0);
    ArrayNode pair = pp.putArray("pair");
    pair.addObject().putObject("SpecialToken").put("id", SPECIALS[1]).put("type_id", 0);
    pair.addObject().putObject("Sequence").put("id", "A").put("type_id", 0);
    pair.addObject().putObject("SpecialToken").put("id", SPECIALS[1]).put("type_id", 1);
    pair.addObject().putObject("Sequence").put("id", "B").put("type_id", 1);
    ObjectNode bos = pp.putObject("special_tokens").putObject(SPECIALS[1]);
    bos.put("id", SPECIALS[1]);
    bos.putArray("ids").add(1);
    bos.putArray("tokens").add(SPECIALS[1]);
    return pp;
  }

  /** {@code tokenizer_config.json} for the fast Llama tokenizer this file describes. */
  public static ObjectNode tokenizerConfig(int modelMaxLength) {
    ObjectNode c = JSON.createObjectNode();
    c.put("tokenizer_class", "LlamaTokenizerFast");
    c.put("add_bos_token", true);
    c.put("add_eos_token", false);
    c.put("bos_token", SPECIALS[1]);
    c.put("eos_token", SPECIALS[2]);
    c.put("unk_token", SPECIALS[0]);
    c.putNull("pad_token");
    c.put("clean_up_tokenization_spaces", false);
    c.put("legacy", false);
    c.put("model_max_length", modelMaxLength);
    return c;
  }
}
