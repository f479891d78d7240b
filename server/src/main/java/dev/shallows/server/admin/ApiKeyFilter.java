package dev.shallows.server.admin;

import dev.shallows.server.config.ShallowsConfig;
import dev.shallows.server.error.ApiException;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.HttpHeaders;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Optional;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/**
 * Bearer-token checks. {@code /admin/*} needs {@code shallows.admin.api-key}: with no key
 * configured every admin call is refused (403); a missing or wrong token is a 401. {@code /v1/*},
 * {@code /tokenize} and {@code /detokenize} are checked only when {@code shallows.api.api-key} is
 * set.
 */
public class ApiKeyFilter {

  private final ShallowsConfig config;

  public ApiKeyFilter(ShallowsConfig config) {
    this.config = config;
  }

  @ServerRequestFilter(preMatching = true)
  public void check(ContainerRequestContext ctx) {
    String path = ctx.getUriInfo().getPath();
    if (path.startsWith("/admin")) {
      Optional<String> key = config.admin().apiKey().filter(k -> !k.isBlank());
      if (key.isEmpty()) {
        throw new ApiException(
            403,
            "permission_error",
            null,
            "admin_disabled",
            "The admin API is disabled: set shallows.admin.api-key (env SHALLOWS_ADMIN_API_KEY)");
      }
      require(ctx, key.get(), "admin API key");
    } else if (path.startsWith("/v1") || path.equals("/tokenize") || path.equals("/detokenize")) {
      Optional<String> key = config.api().apiKey().filter(k -> !k.isBlank());
      if (key.isPresent()) {
        require(ctx, key.get(), "API key");
      }
    }
  }

  private static void require(ContainerRequestContext ctx, String expected, String what) {
    String auth = ctx.getHeaderString(HttpHeaders.AUTHORIZATION);
    if (auth == null || !auth.regionMatches(true, 0, "Bearer ", 0, 7)) {
      throw new ApiException(
          401,
          "invalid_request_error",
          null,
          "missing_api_key",
          "You didn't provide an " + what + " (Authorization: Bearer <key>)");
    }
    byte[] given = auth.substring(7).trim().getBytes(StandardCharsets.UTF_8);
    if (!MessageDigest.isEqual(given, expected.getBytes(StandardCharsets.UTF_8))) {
      throw new ApiException(
          401, "invalid_request_error", null, "invalid_api_key", "Incorrect " + what + " provided");
    }
  }
}
