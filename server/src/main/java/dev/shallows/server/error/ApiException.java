package dev.shallows.server.error;

/**
 * A failure that becomes an OpenAI-shaped error response: {@code
 * {"error":{"message","type","param","code"}}} with the given HTTP status.
 */
public class ApiException extends RuntimeException {

  private final int status;
  private final String type;
  private final String param;
  private final String code;

  public ApiException(int status, String type, String param, String code, String message) {
    super(message);
    this.status = status;
    this.type = type;
    this.param = param;
    this.code = code;
  }

  /** 400 invalid_request_error naming the offending parameter. */
  public static ApiException badRequest(String param, String message) {
    return new ApiException(400, "invalid_request_error", param, "invalid_value", message);
  }

  /** 404 for an unknown model or variant (OpenAI answers model_not_found with 404). */
  public static ApiException modelNotFound(String param, String model) {
    return new ApiException(
        404,
        "invalid_request_error",
        param,
        "model_not_found",
        "The model '" + model + "' does not exist");
  }

  /** 404 for another missing resource (job, variant). */
  public static ApiException notFound(String what) {
    return new ApiException(404, "invalid_request_error", null, "not_found", what + " not found");
  }

  /** 409 when the resource is in a state that forbids the operation. */
  public static ApiException conflict(String param, String message) {
    return new ApiException(409, "invalid_request_error", param, "conflict", message);
  }

  public int status() {
    return status;
  }

  public String type() {
    return type;
  }

  public String param() {
    return param;
  }

  public String code() {
    return code;
  }
}
