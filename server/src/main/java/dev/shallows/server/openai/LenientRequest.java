package dev.shallows.server.openai;

import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.annotation.JsonIgnore;
import java.util.ArrayList;
import java.util.List;

/** Base of request bodies: unknown fields are tolerated and remembered so they can be logged. */
public abstract class LenientRequest {

  @JsonIgnore private final List<String> unknownFields = new ArrayList<>();

  @JsonAnySetter
  void unknown(String name, Object value) {
    unknownFields.add(name);
  }

  /** Field names the server does not know, in arrival order. */
  @JsonIgnore
  public List<String> unknownFields() {
    return unknownFields;
  }
}
