package dev.shallows.engine.generate;

import dev.shallows.engine.Decoder;
import dev.shallows.engine.Decoders;
import dev.shallows.engine.djl.ComputeSettings;
import java.util.List;

/** The decoder implementations the generation tests run on, over the shared stories260K. */
record DecoderKind(String name, Decoders.Kind kind) {

  /** Every implementation; the first (the CPU fast path) is the default for behaviour tests. */
  static List<DecoderKind> all() {
    return List.of(
        new DecoderKind("cpu", Decoders.Kind.CPU), new DecoderKind("djl", Decoders.Kind.DJL));
  }

  Decoder open() {
    return Decoders.create(Stories260K.weights(), kind, ComputeSettings.resolve());
  }
}
