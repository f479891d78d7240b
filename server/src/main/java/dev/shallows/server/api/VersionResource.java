package dev.shallows.server.api;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** {@code GET /version}, as vLLM's server answers it: {@code {"version": "..."}}. */
@Path("/version")
@Tag(name = "Operations")
public class VersionResource {

  /** The body. */
  public record Version(String version) {}

  @ConfigProperty(name = "quarkus.application.version")
  String version;

  @GET
  @Produces(MediaType.APPLICATION_JSON)
  @Operation(summary = "The server's version")
  public Version get() {
    return new Version(version);
  }
}
