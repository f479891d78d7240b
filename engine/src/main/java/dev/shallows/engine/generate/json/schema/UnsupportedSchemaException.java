package dev.shallows.engine.generate.json.schema;

/** A schema the constrained decoder cannot enforce, with the JSON pointer of the offending part. */
public final class UnsupportedSchemaException extends IllegalArgumentException {

  private final String pointer;

  UnsupportedSchemaException(String pointer, String message) {
    super((pointer.isEmpty() ? "at the root" : "at " + pointer) + ": " + message);
    this.pointer = pointer;
  }

  /** Where in the schema: a JSON pointer, empty for the root. */
  public String pointer() {
    return pointer;
  }
}
