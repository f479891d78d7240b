package dev.shallows.engine.generate;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Compiled constraints (JSON schemas, guided patterns) kept by their source text, so the requests
 * that send the same one share it and its caches; the least recently used goes first. Compiling
 * runs outside the lock; when two threads compile the same key, the first stored wins.
 */
public final class CompiledCache<V> {

  private final Map<String, V> compiled;

  public CompiledCache(int capacity) {
    compiled =
        new LinkedHashMap<>(16, 0.75f, true) {
          @Override
          protected boolean removeEldestEntry(Map.Entry<String, V> eldest) {
            return size() > capacity;
          }
        };
  }

  /** The value kept for {@code key}, else {@code compile}'s (which may throw), kept. */
  public V get(String key, Supplier<V> compile) {
    synchronized (compiled) {
      V known = compiled.get(key);
      if (known != null) {
        return known;
      }
    }
    V value = compile.get();
    synchronized (compiled) {
      return compiled.computeIfAbsent(key, k -> value);
    }
  }
}
