package dev.shallows.engine.cpu.kernels;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.shallows.engine.quant.Nf4;
import dev.shallows.store.AtomicDirectory;
import dev.shallows.store.Checkpoint;
import dev.shallows.store.DType;
import dev.shallows.store.LlamaConfig;
import dev.shallows.store.ModelFiles;
import dev.shallows.store.SafetensorsWriter;
import dev.shallows.store.Tensor;
import dev.shallows.store.VariantManifest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

/**
 * Writes a model variant with narrowed weights (atomically, via {@link AtomicDirectory}): BF16
 * stores every float tensor as BF16; int8 and NF4 store the linear weights in {@link
 * QuantizedLayout} and everything else as in the source. config.json gets a {@code quantization}
 * block, the other files of the source (tokenizer, generation config) are copied, and the variant
 * manifest is the source's (a pruned variant stays described) or a new one with no layer removed.
 */
public final class QuantizedVariant {

  private QuantizedVariant() {}

  /** Quantizes {@code source} into {@code target}; returns the bytes of the written weights. */
  public static long write(Path source, WeightFormat format, Path target, boolean overwrite) {
    if (format == WeightFormat.F32) {
      throw new IllegalArgumentException("quantize writes bf16, int8 or nf4");
    }
    try (Checkpoint ck = Checkpoint.open(source);
        AtomicDirectory out = AtomicDirectory.create(target, overwrite)) {
      if (WeightFormat.stored(ck.config()) != null) {
        throw new IllegalArgumentException(source + " is already quantized");
      }
      List<Tensor> tensors = new ArrayList<>();
      for (String name : ck.names()) {
        Tensor t = ck.tensor(name);
        if (format == WeightFormat.BF16) {
          tensors.add(bf16(t));
        } else if (QuantizedLayout.isLinear(name) && t.shape().length == 2) {
          int rows = Math.toIntExact(t.shape()[0]);
          int cols = Math.toIntExact(t.shape()[1]);
          tensors.addAll(QuantizedLayout.encode(name, t.toF32(), rows, cols, format));
        } else {
          tensors.add(t);
        }
      }
      Path file = out.path().resolve("model.safetensors");
      SafetensorsWriter.write(file, tensors);
      ObjectNode raw = ck.config().raw().deepCopy();
      ObjectNode q = raw.putObject("quantization");
      q.put("format", format.id());
      q.put("quant_method", "shallows");
      q.put("layout", layout(format));
      q.put("source_model", source.toAbsolutePath().normalize().toString());
      q.put("created_at", Instant.now().toString());
      LlamaConfig.fromJson(raw).write(out.path());
      ModelFiles.copySideFiles(source, out.path());
      VariantManifest m =
          VariantManifest.exists(source)
              ? VariantManifest.read(source)
              : new VariantManifest(
                  VariantManifest.FORMAT,
                  source.toString(),
                  null,
                  ck.config().numHiddenLayers(),
                  "none",
                  0,
                  List.of(),
                  IntStream.range(0, ck.config().numHiddenLayers()).boxed().toList(),
                  null,
                  null,
                  null,
                  Instant.now().toString(),
                  null);
      m.write(out.path());
      long bytes = Files.size(file);
      out.commit();
      return bytes;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String layout(WeightFormat f) {
    return switch (f) {
      case BF16 -> "every float tensor stored as BF16";
      case INT8 -> "linear weights: NAME I8 (rows, cols), NAME_scale F32 (rows) = row absmax/127";
      case NF4 ->
          "linear weights: NAME U8 (rows, cols/2) NF4 codes, high nibble = even column;"
              + " NAME_absmax F32 (rows, ceil(cols/"
              + Nf4.BLOCK
              + ")), blocks within rows";
      case F32 -> "F32";
    };
  }

  private static Tensor bf16(Tensor t) {
    if (t.dtype() == DType.BF16 || t.dtype().bytes() == 1) {
      return t;
    }
    FloatBuffer f = t.toF32();
    int n = f.remaining();
    ByteBuffer b = ByteBuffer.allocate(2 * n).order(ByteOrder.LITTLE_ENDIAN);
    for (int i = 0; i < n; i++) {
      b.putShort(2 * i, Tensor.floatToBf16(f.get(f.position() + i)));
    }
    return new Tensor(t.name(), DType.BF16, t.shape(), b);
  }
}
