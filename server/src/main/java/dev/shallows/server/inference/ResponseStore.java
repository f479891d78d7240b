package dev.shallows.server.inference;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.shallows.server.config.ShallowsConfig;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Responses kept for {@code GET /v1/responses/{id}} and {@code previous_response_id}: each with the
 * conversation up to and including it (as chat messages, without instructions, which OpenAI does
 * not carry over). In memory, least recently used out first beyond {@code
 * shallows.api.stored-responses}; a restart forgets them.
 */
@ApplicationScoped
public class ResponseStore {

  /** A stored response and its conversation. */
  record Entry(ObjectNode response, List<ObjectNode> conversation) {}

  private final Map<String, Entry> entries;

  public ResponseStore(ShallowsConfig config) {
    int capacity = config.api().storedResponses();
    this.entries =
        new LinkedHashMap<>(16, 0.75f, true) {
          @Override
          protected boolean removeEldestEntry(Map.Entry<String, Entry> eldest) {
            return size() > capacity;
          }
        };
  }

  synchronized void put(String id, Entry e) {
    entries.put(id, e);
  }

  /** The entry, or null. */
  synchronized Entry get(String id) {
    return entries.get(id);
  }

  /** The stored response object, or null. */
  public synchronized ObjectNode response(String id) {
    Entry e = entries.get(id);
    return e == null ? null : e.response();
  }

  /** Forgets a response; false when it was not stored. */
  public synchronized boolean remove(String id) {
    return entries.remove(id) != null;
  }
}
