package dev.shallows.store.bpe;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.TreeMap;

/**
 * Trains a byte-level BPE vocabulary (GPT-2 style) from text: pre-tokenize with {@link ByteLevel},
 * count chunks, then repeatedly merge the most frequent adjacent symbol pair. Ties are broken by
 * the smaller pair of symbol ids, so the result depends only on the text and the settings.
 */
public final class BpeTrainer {

  /** The result: the 256 byte symbols followed by one symbol per merge, and the merges in order. */
  public record Vocabulary(List<String> symbols, List<String[]> merges) {}

  private final Map<String, Long> chunkCounts = new HashMap<>();

  /** Counts the pre-tokenized chunks of {@code text}; call as often as needed before train. */
  public BpeTrainer add(String text) {
    for (String chunk : ByteLevel.split(text)) {
      chunkCounts.merge(ByteLevel.toAlphabet(chunk), 1L, Long::sum);
    }
    return this;
  }

  /**
   * Learns merges until there are {@code symbolCount} symbols (256 bytes + merges) or no pair
   * occurs at least {@code minFrequency} times.
   */
  public Vocabulary train(int symbolCount, int minFrequency) {
    if (symbolCount < 256) {
      throw new IllegalArgumentException("symbolCount must be >= 256, got " + symbolCount);
    }
    List<String> symbols = new ArrayList<>();
    Map<Character, Integer> byteId = new HashMap<>();
    for (int b = 0; b < 256; b++) {
      symbols.add(String.valueOf(ByteLevel.charOf(b)));
      byteId.put(ByteLevel.charOf(b), b);
    }
    // Distinct chunks in sorted order so that nothing depends on hash iteration order.
    TreeMap<String, Long> sorted = new TreeMap<>(chunkCounts);
    int[][] words = new int[sorted.size()][];
    long[] counts = new long[sorted.size()];
    int w = 0;
    for (Map.Entry<String, Long> e : sorted.entrySet()) {
      String s = e.getKey();
      int[] seq = new int[s.length()];
      for (int i = 0; i < seq.length; i++) {
        seq[i] = byteId.get(s.charAt(i));
      }
      words[w] = seq;
      counts[w++] = e.getValue();
    }
    Map<Long, Long> pairCounts = new HashMap<>();
    Map<Long, Set<Integer>> pairWords = new HashMap<>();
    for (int i = 0; i < words.length; i++) {
      addPairs(words[i], counts[i], i, pairCounts, pairWords);
    }
    // Max-heap of (count, pair), highest count first, then the smaller pair; entries go stale when
    // a pair's count changes and are then skipped (every change pushes a fresh entry).
    PriorityQueue<long[]> heap =
        new PriorityQueue<>(
            (x, y) -> x[0] != y[0] ? Long.compare(y[0], x[0]) : Long.compareUnsigned(x[1], y[1]));
    pairCounts.forEach((k, c) -> heap.add(new long[] {c, k}));
    List<String[]> merges = new ArrayList<>();
    while (symbols.size() < symbolCount && !heap.isEmpty()) {
      long[] top = heap.poll();
      Long current = pairCounts.get(top[1]);
      if (current == null || current != top[0]) {
        continue;
      }
      if (top[0] < minFrequency) {
        break;
      }
      long best = top[1];
      int a = (int) (best >>> 32);
      int b = (int) best;
      int merged = symbols.size();
      symbols.add(symbols.get(a) + symbols.get(b));
      merges.add(new String[] {symbols.get(a), symbols.get(b)});
      Set<Long> touched = new HashSet<>();
      for (int i : new ArrayList<>(pairWords.getOrDefault(best, Set.of()))) {
        touched.addAll(pairsOf(words[i]));
        removePairs(words[i], counts[i], pairCounts);
        words[i] = applyMerge(words[i], a, b, merged);
        addPairs(words[i], counts[i], i, pairCounts, pairWords);
        touched.addAll(pairsOf(words[i]));
      }
      pairCounts.remove(best);
      pairWords.remove(best);
      for (long k : touched) {
        Long c = pairCounts.get(k);
        if (c != null) {
          heap.add(new long[] {c, k});
        }
      }
    }
    return new Vocabulary(List.copyOf(symbols), List.copyOf(merges));
  }

  private static long key(int a, int b) {
    return ((long) a << 32) | (b & 0xFFFFFFFFL);
  }

  private static void addPairs(
      int[] seq, long count, int word, Map<Long, Long> pairCounts, Map<Long, Set<Integer>> index) {
    for (int j = 0; j + 1 < seq.length; j++) {
      long k = key(seq[j], seq[j + 1]);
      pairCounts.merge(k, count, Long::sum);
      index.computeIfAbsent(k, x -> new HashSet<>()).add(word);
    }
  }

  private static List<Long> pairsOf(int[] seq) {
    List<Long> out = new ArrayList<>(seq.length);
    for (int j = 0; j + 1 < seq.length; j++) {
      out.add(key(seq[j], seq[j + 1]));
    }
    return out;
  }

  private static void removePairs(int[] seq, long count, Map<Long, Long> pairCounts) {
    for (int j = 0; j + 1 < seq.length; j++) {
      long k = key(seq[j], seq[j + 1]);
      long left = pairCounts.get(k) - count;
      if (left <= 0) {
        pairCounts.remove(k);
      } else {
        pairCounts.put(k, left);
      }
    }
  }

  /** Replaces each non-overlapping occurrence of (a, b), left to right, by {@code merged}. */
  static int[] applyMerge(int[] seq, int a, int b, int merged) {
    int[] out = new int[seq.length];
    int n = 0;
    for (int j = 0; j < seq.length; j++) {
      if (j + 1 < seq.length && seq[j] == a && seq[j + 1] == b) {
        out[n++] = merged;
        j++;
      } else {
        out[n++] = seq[j];
      }
    }
    return java.util.Arrays.copyOf(out, n);
  }
}
