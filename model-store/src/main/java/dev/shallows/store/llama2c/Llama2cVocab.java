package dev.shallows.store.llama2c;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A llama2.c tokenizer file ({@code tok512.bin}, {@code tokenizer.bin}): int32 max_token_length,
 * then per token a float32 score, an int32 length and the UTF-8 bytes. Pieces are kept as llama2.c
 * stores them (a space is a plain space, byte tokens read {@code <0xXX>}).
 *
 * @param pieces token strings by id
 * @param scores merge scores by id (higher merges first)
 * @param maxTokenLength the header's max_token_length
 */
public record Llama2cVocab(List<String> pieces, float[] scores, int maxTokenLength) {

  public Llama2cVocab {
    pieces = List.copyOf(pieces);
    if (pieces.size() != scores.length) {
      throw new IllegalArgumentException("pieces and scores differ in length");
    }
  }

  public int size() {
    return pieces.size();
  }

  /** Reads a tokenizer file; fails with the offending token id on malformed input. */
  public static Llama2cVocab read(Path file) {
    if (!Files.isRegularFile(file)) {
      throw new IllegalArgumentException("llama2.c tokenizer not found: " + file);
    }
    byte[] all;
    try {
      all = Files.readAllBytes(file);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
    ByteBuffer b = ByteBuffer.wrap(all).order(ByteOrder.LITTLE_ENDIAN);
    if (b.remaining() < 4) {
      throw new IllegalArgumentException(file + " is too short to be a llama2.c tokenizer");
    }
    int maxLen = b.getInt();
    List<String> pieces = new ArrayList<>();
    List<Float> scores = new ArrayList<>();
    var decoder =
        StandardCharsets.UTF_8
            .newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    while (b.hasRemaining()) {
      int id = pieces.size();
      if (b.remaining() < 8) {
        throw new IllegalArgumentException(file + ": truncated entry for token " + id);
      }
      float score = b.getFloat();
      int len = b.getInt();
      if (len <= 0 || len > b.remaining() || len > Math.max(maxLen, 1) * 4) {
        throw new IllegalArgumentException(file + ": bad length " + len + " for token " + id);
      }
      ByteBuffer bytes = b.slice().limit(len);
      b.position(b.position() + len);
      try {
        pieces.add(decoder.decode(bytes).toString());
      } catch (CharacterCodingException e) {
        throw new IllegalArgumentException(file + ": token " + id + " is not valid UTF-8", e);
      }
      scores.add(score);
    }
    float[] s = new float[scores.size()];
    for (int i = 0; i < s.length; i++) {
      s[i] = scores.get(i);
    }
    return new Llama2cVocab(pieces, s, maxLen);
  }
}
