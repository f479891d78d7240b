package dev.shallows.server;

import io.restassured.path.json.JsonPath;

/**
 * Reads a server reply as the official OpenAI Java client does (its own JSON mapper and model
 * classes) and validates it: every field the client requires is there, of its type.
 */
final class ClientShapes {

  private ClientShapes() {}

  /** {@code json} read as {@code type} (a client model class with {@code validate()}). */
  static void valid(JsonPath json, Class<?> type) {
    try {
      Object o = com.openai.core.ObjectMappers.jsonMapper().readValue(json.prettify(), type);
      type.getMethod("validate").invoke(o);
    } catch (ReflectiveOperationException e) {
      throw new AssertionError(type.getSimpleName() + " rejects " + json.prettify(), e.getCause());
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new AssertionError(e);
    }
  }
}
