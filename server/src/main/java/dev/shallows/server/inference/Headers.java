package dev.shallows.server.inference;

/** Response headers this server adds. */
public final class Headers {

  /** The variant that served the request (also the {@code variant} field of the body). */
  public static final String VARIANT = "X-Shallows-Variant";

  private Headers() {}
}
