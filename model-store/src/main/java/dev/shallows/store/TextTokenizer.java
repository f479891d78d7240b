package dev.shallows.store;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Text to token ids and back for one model directory, through DJL's {@link HuggingFaceTokenizer} on
 * the local {@code tokenizer.json} (never downloading). BOS/EOS ids come from {@code
 * generation_config.json}, then {@code config.json}, then the token strings of {@code
 * tokenizer_config.json}; EOS is the union of all ids named. Special tokens are never added by the
 * HF post-processor: {@link #encode(String, boolean)} prepends BOS itself, so the same call works
 * for every model family. Thread-safe (the native tokenizer is immutable).
 */
public final class TextTokenizer implements AutoCloseable {

  private final HuggingFaceTokenizer hf;
  private final String[] idToToken;
  private final Map<String, Integer> tokenToId;
  private final Set<Integer> specialIds;
  private final int bosId;
  private final List<Integer> eosIds;
  private final TokenizerConfig config;
  private volatile String[] pieces; // computed on first use

  private TextTokenizer(
      HuggingFaceTokenizer hf,
      String[] idToToken,
      Map<String, Integer> tokenToId,
      Set<Integer> specialIds,
      int bosId,
      List<Integer> eosIds,
      TokenizerConfig config) {
    this.hf = hf;
    this.idToToken = idToToken;
    this.tokenToId = tokenToId;
    this.specialIds = specialIds;
    this.bosId = bosId;
    this.eosIds = List.copyOf(eosIds);
    this.config = config;
  }

  /** Loads {@code dir/tokenizer.json} plus the optional config files beside it. */
  public static TextTokenizer load(Path dir) {
    Path json = dir.resolve("tokenizer.json");
    if (!Files.isRegularFile(json)) {
      throw new IllegalArgumentException("no tokenizer.json in " + dir);
    }
    // DJL otherwise probes the EC2 metadata endpoint on first use; the engine's DjlEnvironment
    // sets the same property, but the tokenizer may be loaded first.
    if (System.getProperty("ai.djl.offline") == null) {
      System.setProperty("ai.djl.offline", "true");
    }
    JsonNode root;
    try {
      root = LlamaConfig.JSON.readTree(json.toFile());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + json + ": " + e.getMessage(), e);
    }
    Map<String, Integer> tokenToId = new HashMap<>();
    Set<Integer> specials = new LinkedHashSet<>();
    int max = -1;
    for (Iterator<Map.Entry<String, JsonNode>> it = root.path("model").path("vocab").fields();
        it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      tokenToId.put(e.getKey(), e.getValue().asInt());
      max = Math.max(max, e.getValue().asInt());
    }
    for (JsonNode a : root.path("added_tokens")) {
      int id = a.path("id").asInt();
      tokenToId.put(a.path("content").asText(), id);
      if (a.path("special").asBoolean(false)) {
        specials.add(id);
      }
      max = Math.max(max, id);
    }
    if (max < 0) {
      throw new IllegalArgumentException(json + " has an empty vocabulary");
    }
    String[] idToToken = new String[max + 1];
    tokenToId.forEach((t, id) -> idToToken[id] = t);

    TokenizerConfig tc = TokenizerConfig.read(dir);
    JsonNode gen = readOptional(dir.resolve("generation_config.json"));
    JsonNode cfg = readOptional(dir.resolve("config.json"));
    int bos = firstId(gen.get("bos_token_id"), cfg.get("bos_token_id"), tokenToId, tc.bosToken());
    Set<Integer> eos = new LinkedHashSet<>();
    addIds(gen.get("eos_token_id"), eos);
    addIds(cfg.get("eos_token_id"), eos);
    if (tc.eosToken() != null && tokenToId.containsKey(tc.eosToken())) {
      eos.add(tokenToId.get(tc.eosToken()));
    }
    try {
      HuggingFaceTokenizer hf =
          HuggingFaceTokenizer.newInstance(
              json,
              Map.of(
                  "addSpecialTokens", "false",
                  "truncation", "false",
                  "padding", "false",
                  "modelMaxLength", String.valueOf(Integer.MAX_VALUE)));
      return new TextTokenizer(hf, idToToken, tokenToId, specials, bos, new ArrayList<>(eos), tc);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot load " + json + ": " + e.getMessage(), e);
    }
  }

  /** Token ids of {@code text}, with BOS first if {@code addBos} and the model has one. */
  public int[] encode(String text, boolean addBos) {
    long[] ids = hf.encode(text, false, false).getIds();
    boolean bos = addBos && bosId >= 0;
    int[] out = new int[ids.length + (bos ? 1 : 0)];
    int o = 0;
    if (bos) {
      out[o++] = bosId;
    }
    for (long id : ids) {
      out[o++] = (int) id;
    }
    return out;
  }

  /** Text of {@code ids}, special tokens (BOS, EOS...) left out. */
  public String decode(int[] ids) {
    return decode(ids, true);
  }

  public String decode(int[] ids, boolean skipSpecialTokens) {
    long[] l = new long[ids.length];
    for (int i = 0; i < ids.length; i++) {
      l[i] = ids[i];
    }
    return hf.decode(l, skipSpecialTokens);
  }

  /**
   * A streaming decoder that continues after {@code context} (e.g. the prompt ids, BOS included):
   * the context is not emitted but decides spacing, as in a full decode of context + new tokens.
   */
  public StreamDecoder streamDecoder(int[] context) {
    return new StreamDecoder(this, context);
  }

  /** Number of token ids the tokenizer knows (max id + 1; the model's vocab may be padded). */
  public int vocabSize() {
    return idToToken.length;
  }

  /** The BOS id, or -1 if the model has none (e.g. Qwen2). */
  public int bosId() {
    return bosId;
  }

  /** All ids that end generation (possibly empty). */
  public List<Integer> eosIds() {
    return eosIds;
  }

  public boolean isEos(int id) {
    return eosIds.contains(id);
  }

  public boolean isSpecial(int id) {
    return specialIds.contains(id);
  }

  /** The vocabulary string of {@code id} (e.g. {@code ▁the}, {@code <0x0A>}); null if unknown. */
  public String tokenString(int id) {
    return id >= 0 && id < idToToken.length ? idToToken[id] : null;
  }

  /**
   * The text each token adds when it follows an ordinary token (a SentencePiece word start keeps
   * its space; a token holding part of a UTF-8 sequence reads as U+FFFD); null for special, BOS and
   * EOS tokens. Computed once, on first use; the array is shared, do not modify it.
   */
  public String[] pieces() {
    String[] p = pieces;
    if (p == null) {
      synchronized (this) {
        if (pieces == null) {
          pieces = computePieces();
        }
        p = pieces;
      }
    }
    return p;
  }

  private String[] computePieces() {
    int[] anchor = encode("a", false);
    String base = anchor.length == 1 ? decode(anchor, false) : "";
    String[] out = new String[idToToken.length];
    for (int id = 0; id < out.length; id++) {
      if (idToToken[id] == null || isSpecial(id) || isEos(id) || id == bosId) {
        continue;
      }
      String after = anchor.length == 1 ? decode(new int[] {anchor[0], id}, false) : null;
      out[id] =
          after != null && after.startsWith(base)
              ? after.substring(base.length())
              : decode(new int[] {id}, false);
    }
    return out;
  }

  /** The id of a vocabulary string, or -1. */
  public int tokenId(String token) {
    return tokenToId.getOrDefault(token, -1);
  }

  /** {@code add_bos_token} of tokenizer_config.json, else true when the model has a BOS. */
  public boolean addsBosByDefault() {
    return config.addBosToken() != null ? config.addBosToken() : bosId >= 0;
  }

  public TokenizerConfig config() {
    return config;
  }

  @Override
  public void close() {
    hf.close();
  }

  private static JsonNode readOptional(Path file) {
    if (!Files.isRegularFile(file)) {
      return LlamaConfig.JSON.createObjectNode();
    }
    try {
      return LlamaConfig.JSON.readTree(file.toFile());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
    }
  }

  private static int firstId(
      JsonNode gen, JsonNode cfg, Map<String, Integer> vocab, String tokenString) {
    for (JsonNode n : new JsonNode[] {gen, cfg}) {
      List<Integer> ids = new ArrayList<>();
      addIds(n, ids);
      if (!ids.isEmpty()) {
        return ids.get(0);
      }
    }
    return tokenString != null ? vocab.getOrDefault(tokenString, -1) : -1;
  }

  private static void addIds(JsonNode n, java.util.Collection<Integer> into) {
    if (n == null || n.isNull()) {
      return;
    }
    if (n.isArray()) {
      n.forEach(e -> into.add(e.asInt()));
    } else if (n.canConvertToInt()) {
      into.add(n.asInt());
    }
  }
}
