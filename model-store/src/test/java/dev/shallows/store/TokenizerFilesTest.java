package dev.shallows.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.shallows.store.llama2c.Llama2cImporter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** tokenizer_config.json parsing and how TextTokenizer resolves BOS/EOS from the model files. */
class TokenizerFilesTest {

  static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path tmp;

  static TokenizerConfig parse(String json) throws IOException {
    return TokenizerConfig.fromJson((ObjectNode) JSON.readTree(json.replace('\'', '"')));
  }

  @Test
  void readsLlama2StyleAddedTokenObjects() throws IOException {
    TokenizerConfig c =
        parse(
            "{'add_bos_token':true,'add_eos_token':false,'bos_token':{'__type':'AddedToken',"
                + "'content':'<s>','lstrip':false},'eos_token':{'content':'</s>'},"
                + "'unk_token':'<unk>','pad_token':null,'model_max_length':1000000000000000019884624838656,"
                + "'chat_template':'{% for m in messages %}{{ m.content }}{% endfor %}'}");
    assertEquals("<s>", c.bosToken());
    assertEquals("</s>", c.eosToken());
    assertEquals("<unk>", c.unkToken());
    assertNull(c.padToken());
    assertTrue(c.addBosToken());
    assertFalse(c.addEosToken());
    assertEquals(0, c.modelMaxLength(), "HF's 'unlimited' sentinel");
    assertEquals("{% for m in messages %}{{ m.content }}{% endfor %}", c.chatTemplate());
  }

  @Test
  void readsNamedTemplateListsAndMissingFiles() throws IOException {
    TokenizerConfig c =
        parse(
            "{'chat_template':[{'name':'tool_use','template':'T'},{'name':'default',"
                + "'template':'D'}],'eos_token':'<|im_end|>','model_max_length':32768}");
    assertEquals("D", c.chatTemplate());
    assertNull(c.addBosToken(), "unspecified stays unknown");
    assertEquals(32768, c.modelMaxLength());
    TokenizerConfig none = TokenizerConfig.read(tmp);
    assertNull(none.chatTemplate());
    assertTrue(none.chatTemplateIfAny().isEmpty());
  }

  @Test
  void idsComeFromGenerationConfigThenConfigThenTokenStrings() throws IOException {
    Path model = tmp.resolve("m");
    Llama2cImporter.importModel(
        SharedData.resolve("llama2c/stories260K.bin"),
        SharedData.resolve("llama2c/tok512.bin"),
        model,
        false);
    try (TextTokenizer t = TextTokenizer.load(model)) {
      assertEquals(1, t.bosId());
      assertEquals(List.of(2), t.eosIds());
      assertTrue(t.addsBosByDefault());
      assertEquals("<s>", t.config().bosToken());
    }
    // generation_config lists extra EOS ids (as Llama 3 Instruct does): the union stops generation
    ObjectNode gen = JSON.createObjectNode();
    gen.putArray("eos_token_id").add(2).add(13);
    JSON.writeValue(model.resolve("generation_config.json").toFile(), gen);
    try (TextTokenizer t = TextTokenizer.load(model)) {
      assertEquals(List.of(2, 13), t.eosIds());
      assertTrue(t.isEos(13) && !t.isEos(1));
      assertEquals(1, t.bosId(), "from config.json when generation_config has none");
    }
    // no ids anywhere but the token strings of tokenizer_config.json
    Files.delete(model.resolve("generation_config.json"));
    Files.delete(model.resolve("config.json"));
    try (TextTokenizer t = TextTokenizer.load(model)) {
      assertEquals(1, t.bosId());
      assertEquals(List.of(2), t.eosIds());
      assertArrayEquals(new int[] {1, 403}, t.encode("Once", true));
      assertArrayEquals(new int[] {403}, t.encode("Once", false));
      assertEquals("Once", t.decode(new int[] {1, 403, 2}));
      // as HF's LlamaTokenizerFast: only the text's first piece loses its space
      assertEquals("<s> Once</s>", t.decode(new int[] {1, 403, 2}, false));
    }
    assertThrows(IllegalArgumentException.class, () -> TextTokenizer.load(tmp.resolve("none")));
  }

  @Test
  void longInputsAreNotTruncated() throws IOException {
    Path model = tmp.resolve("m");
    Llama2cImporter.importModel(
        SharedData.resolve("llama2c/stories260K.bin"),
        SharedData.resolve("llama2c/tok512.bin"),
        model,
        false);
    try (TextTokenizer t = TextTokenizer.load(model)) {
      String text = "Lily went to the park. ".repeat(400);
      int[] ids = t.encode(text, true);
      assertTrue(ids.length > 2000, "model_max_length 512 must not cut encode: " + ids.length);
      assertEquals(text, t.decode(ids), "decode without clean-up keeps the text");
      assertEquals("a . b , c ' d n't", t.decode(t.encode("a . b , c ' d n't", false)));
    }
  }

  @Test
  void piecesConcatenateToTheDecodedText() throws IOException {
    Path stories = tmp.resolve("s");
    Llama2cImporter.importModel(
        SharedData.resolve("llama2c/stories260K.bin"),
        SharedData.resolve("llama2c/tok512.bin"),
        stories,
        false);
    // SentencePiece with byte fallback (stories260K) and byte-level BPE (the built-in model)
    for (Path dir : new Path[] {stories, Path.of("models", "shallows-tiny")}) {
      try (TextTokenizer t = TextTokenizer.load(dir)) {
        String[] pieces = t.pieces();
        assertEquals(t.vocabSize(), pieces.length);
        for (String text :
            new String[] {"Lily went to the park.", "{\"a\": [1, -2.5e3], \"b\": null}"}) {
          int[] ids = t.encode(text, false);
          StringBuilder joined = new StringBuilder(t.decode(new int[] {ids[0]}));
          for (int i = 1; i < ids.length; i++) {
            joined.append(pieces[ids[i]]);
          }
          assertEquals(t.decode(ids), joined.toString(), dir + ": " + text);
        }
        assertEquals(null, pieces[t.eosIds().get(0)], "special tokens have no piece");
        assertTrue(t.pieces() == pieces, "computed once");
      }
    }
  }
}
