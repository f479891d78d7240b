package dev.shallows.server.error;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import dev.shallows.engine.generate.BadParameterException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.stream.Collectors;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * Turns every failure into the OpenAI error shape. Bad input (our {@link ApiException}, malformed
 * JSON, wrong types, HTTP-level rejections) is a 4xx naming the parameter; anything else is our
 * fault: a 500 logged with its stack trace.
 */
public class ErrorMappers {

  private static final Logger LOG = Logger.getLogger(ErrorMappers.class);

  @ServerExceptionMapper
  public Response api(ApiException e) {
    Response.ResponseBuilder b =
        Response.status(e.status())
            .type(MediaType.APPLICATION_JSON)
            .entity(ErrorBody.of(e.getMessage(), e.type(), e.param(), e.code()));
    if (e instanceof RateLimitedException r) {
      b.header("Retry-After", r.retryAfterSeconds());
    }
    if (e.status() == 401) {
      b.header("WWW-Authenticate", "Bearer");
    }
    return b.build();
  }

  /** The engine's own parameter validation (SamplingParams) names the wire parameter. */
  @ServerExceptionMapper
  public Response badParameter(BadParameterException e) {
    return api(ApiException.badRequest(e.param(), e.getMessage()));
  }

  /**
   * Wrong JSON types: more specific than Quarkus' built-in mapper, which answers without a body.
   */
  @ServerExceptionMapper(priority = jakarta.ws.rs.Priorities.USER - 100)
  public Response mismatched(MismatchedInputException e) {
    return json(e);
  }

  /** Wrong JSON types ("max_tokens": "ten") and malformed JSON. */
  @ServerExceptionMapper(priority = jakarta.ws.rs.Priorities.USER - 100)
  public Response json(JsonProcessingException e) {
    String param = null;
    String message;
    LOG.debugf("bad JSON: %s", e);
    if (e instanceof JsonMappingException m && !m.getPath().isEmpty()) {
      param =
          m.getPath().stream()
              .map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
              .collect(Collectors.joining("."))
              .replace(".[", "[");
      String expected =
          e instanceof MismatchedInputException mi && mi.getTargetType() != null
              ? " (expected " + describe(mi.getTargetType()) + ")"
              : "";
      String value = e instanceof InvalidFormatException f ? " '" + f.getValue() + "'" : "";
      message = "Invalid type for '" + param + "'" + value + expected;
    } else {
      message = "We could not parse the JSON body of your request: " + e.getOriginalMessage();
    }
    return api(new ApiException(400, "invalid_request_error", param, "invalid_json", message));
  }

  /** 404/405/413/415 and friends raised by the HTTP layer keep their status, in our shape. */
  @ServerExceptionMapper
  public Response web(WebApplicationException e) {
    int status = e.getResponse().getStatus();
    if (status >= 500) {
      LOG.error("HTTP layer error", e);
    }
    String code =
        switch (status) {
          case 404 -> "not_found";
          case 405 -> "method_not_allowed";
          case 406 -> "not_acceptable";
          case 413 -> "request_too_large";
          case 415 -> "unsupported_media_type";
          default -> null;
        };
    String type = status >= 500 ? "server_error" : "invalid_request_error";
    String message = e.getMessage() == null ? "HTTP " + status : e.getMessage();
    if (status == 400 && e.getCause() instanceof JsonProcessingException j) {
      return json(j);
    }
    return Response.status(status)
        .type(MediaType.APPLICATION_JSON)
        .entity(ErrorBody.of(message, type, null, code))
        .build();
  }

  /** Our own faults. */
  @ServerExceptionMapper
  public Response unexpected(Exception e) {
    if (e.getCause() instanceof ApiException a) {
      return api(a);
    }
    if (e.getCause() instanceof BadParameterException b) {
      return badParameter(b);
    }
    LOG.error("unexpected failure", e);
    return Response.status(500)
        .type(MediaType.APPLICATION_JSON)
        .entity(
            ErrorBody.of(
                "The server had an error while processing your request: " + e,
                "server_error",
                null,
                "internal_error"))
        .build();
  }

  private static String describe(Class<?> t) {
    if (t == Integer.class || t == int.class || t == Long.class || t == long.class) {
      return "integer";
    }
    if (t == Double.class || t == double.class || t == Float.class) {
      return "number";
    }
    if (t == Boolean.class || t == boolean.class) {
      return "boolean";
    }
    if (t == String.class) {
      return "string";
    }
    if (java.util.Collection.class.isAssignableFrom(t) || t.isArray()) {
      return "array";
    }
    return "object";
  }
}
