package dev.shallows.store;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The parts of Hugging Face {@code tokenizer_config.json} the runtime needs: special token strings,
 * whether BOS is added, and the chat template (kept verbatim for the server). Special tokens may be
 * plain strings or AddedToken objects ({@code {"content": "<s>", ...}}); both are read.
 *
 * @param bosToken {@code bos_token}, or null
 * @param eosToken {@code eos_token}, or null
 * @param unkToken {@code unk_token}, or null
 * @param padToken {@code pad_token}, or null
 * @param addBosToken {@code add_bos_token}, or null when the file does not say
 * @param addEosToken {@code add_eos_token}, or null when the file does not say
 * @param chatTemplate {@code chat_template} (the "default" one if a list of named templates), or
 *     null
 * @param modelMaxLength {@code model_max_length}, or 0 when absent or absurd
 * @param raw the whole file (empty object if there was none)
 */
public record TokenizerConfig(
    String bosToken,
    String eosToken,
    String unkToken,
    String padToken,
    Boolean addBosToken,
    Boolean addEosToken,
    String chatTemplate,
    long modelMaxLength,
    ObjectNode raw) {

  /** No tokenizer_config.json: nothing known. */
  public static TokenizerConfig empty() {
    return fromJson(LlamaConfig.JSON.createObjectNode());
  }

  /** Reads {@code dir/tokenizer_config.json}, or {@link #empty()} if the file does not exist. */
  public static TokenizerConfig read(Path dirOrFile) {
    Path file =
        Files.isDirectory(dirOrFile) ? dirOrFile.resolve("tokenizer_config.json") : dirOrFile;
    if (!Files.exists(file)) {
      return empty();
    }
    try {
      JsonNode n = LlamaConfig.JSON.readTree(file.toFile());
      if (!(n instanceof ObjectNode o)) {
        throw new IllegalArgumentException(file + " is not a JSON object");
      }
      return fromJson(o);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
    }
  }

  public static TokenizerConfig fromJson(ObjectNode j) {
    long max = j.path("model_max_length").asLong(0);
    return new TokenizerConfig(
        token(j.get("bos_token")),
        token(j.get("eos_token")),
        token(j.get("unk_token")),
        token(j.get("pad_token")),
        bool(j.get("add_bos_token")),
        bool(j.get("add_eos_token")),
        template(j.get("chat_template")),
        max > 0 && max < (1L << 40) ? max : 0, // HF writes 1e30 for "no limit"
        j.deepCopy());
  }

  public Optional<String> chatTemplateIfAny() {
    return Optional.ofNullable(chatTemplate);
  }

  private static String token(JsonNode v) {
    if (v == null || v.isNull()) {
      return null;
    }
    if (v.isObject()) {
      JsonNode c = v.get("content");
      return c == null || c.isNull() ? null : c.asText();
    }
    return v.asText();
  }

  private static Boolean bool(JsonNode v) {
    return v == null || v.isNull() ? null : v.asBoolean();
  }

  /** A string, or a list of {name, template} of which "default" (else the first) is taken. */
  private static String template(JsonNode v) {
    if (v == null || v.isNull()) {
      return null;
    }
    if (v.isArray()) {
      JsonNode first = null;
      for (JsonNode e : v) {
        if ("default".equals(e.path("name").asText())) {
          return e.path("template").asText();
        }
        first = first == null ? e : first;
      }
      return first == null ? null : first.path("template").asText();
    }
    return v.asText();
  }
}
