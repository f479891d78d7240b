package dev.shallows.engine.generate;

/**
 * A request parameter is out of range or malformed. {@link #param()} is the parameter's OpenAI wire
 * name (e.g. {@code top_p}), so the server can answer a 400 that names it.
 */
public final class BadParameterException extends IllegalArgumentException {

  private final String param;

  public BadParameterException(String param, String message) {
    super(param + ": " + message);
    this.param = param;
  }

  /** The offending parameter's wire name (e.g. {@code temperature}, {@code prompt}). */
  public String param() {
    return param;
  }
}
