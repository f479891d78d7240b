package dev.shallows.store.llama2c;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * An independent transcription of llama2.c run.c's {@code encode()} (test reference only): parses
 * the tokenizer file itself, splits UTF-8 characters with byte fallback, adds the dummy prefix for
 * non-empty text, and merges the best-scoring adjacent pair until none is left.
 */
final class RunCEncoder {

  final String[] vocab;
  final float[] scores;
  private final Map<String, Integer> lookup = new HashMap<>();

  RunCEncoder(Path tokenizerBin) throws IOException {
    ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(tokenizerBin)).order(ByteOrder.LITTLE_ENDIAN);
    b.getInt(); // max_token_length
    List<String> v = new ArrayList<>();
    List<Float> s = new ArrayList<>();
    while (b.hasRemaining()) {
      s.add(b.getFloat());
      byte[] piece = new byte[b.getInt()];
      b.get(piece);
      v.add(new String(piece, StandardCharsets.UTF_8));
    }
    vocab = v.toArray(new String[0]);
    scores = new float[s.size()];
    for (int i = 0; i < scores.length; i++) {
      scores[i] = s.get(i);
      lookup.putIfAbsent(vocab[i], i);
    }
  }

  /** run.c encode(text, bos=1, eos=0). */
  int[] encode(String text) {
    List<Integer> tokens = new ArrayList<>();
    tokens.add(1);
    if (!text.isEmpty()) {
      tokens.add(lookup.get(" "));
    }
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    int i = 0;
    while (i < bytes.length) {
      int j = i + 1;
      while (j < bytes.length && (bytes[j] & 0xC0) == 0x80 && j - i < 4) {
        j++;
      }
      Integer id = lookup.get(new String(bytes, i, j - i, StandardCharsets.UTF_8));
      if (id != null) {
        tokens.add(id);
      } else {
        for (int k = i; k < j; k++) {
          tokens.add((bytes[k] & 0xff) + 3);
        }
      }
      i = j;
    }
    while (true) {
      float bestScore = -1e10f;
      int bestId = -1;
      int bestIdx = -1;
      for (int k = 0; k < tokens.size() - 1; k++) {
        Integer id = lookup.get(vocab[tokens.get(k)] + vocab[tokens.get(k + 1)]);
        if (id != null && scores[id] > bestScore) {
          bestScore = scores[id];
          bestId = id;
          bestIdx = k;
        }
      }
      if (bestIdx == -1) {
        break;
      }
      tokens.set(bestIdx, bestId);
      tokens.remove(bestIdx + 1);
    }
    return tokens.stream().mapToInt(Integer::intValue).toArray();
  }
}
