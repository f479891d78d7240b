package dev.shallows.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reading safetensors (F32/F16/BF16, single file and sharded) and write->read round trips. */
class SafetensorsCheckpointTest {

  static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path tmp;

  static void writeConfig(Path dir) throws IOException {
    ObjectNode c = JSON.createObjectNode();
    c.put("model_type", "llama");
    c.put("hidden_size", 4);
    c.put("intermediate_size", 8);
    c.put("num_hidden_layers", 1);
    c.put("num_attention_heads", 2);
    c.put("vocab_size", 10);
    JSON.writeValue(dir.resolve("config.json").toFile(), c);
  }

  static Tensor shorts(String name, DType dtype, long[] shape, int... bits) {
    ByteBuffer b = ByteBuffer.allocate(bits.length * 2).order(ByteOrder.LITTLE_ENDIAN);
    for (int s : bits) {
      b.putShort((short) s);
    }
    return new Tensor(name, dtype, shape, b.flip());
  }

  @Test
  void readsF32F16Bf16WithHandCheckedBitPatterns() throws IOException {
    Path dir = Files.createDirectories(tmp.resolve("m"));
    writeConfig(dir);
    float[] f32 = {1f, -2.5f, 0f, 3.0e-8f, Float.MAX_VALUE, -0f};
    // IEEE binary16: 1.0, -2.0, 0.5, 65504 (max), 2^-24 (smallest subnormal), 2^-14 (smallest
    // normal), +inf, -0
    int[] f16 = {0x3C00, 0xC000, 0x3800, 0x7BFF, 0x0001, 0x0400, 0x7C00, 0x8000};
    float[] f16Expected = {1f, -2f, 0.5f, 65504f, 0x1p-24f, 0x1p-14f, Float.POSITIVE_INFINITY, -0f};
    // bfloat16: 1.0, -2.0, 0.5, 3.140625, 1e-38-ish (0x006D), -inf
    int[] bf16 = {0x3F80, 0xC000, 0x3F00, 0x4049, 0x006D, 0xFF80};
    float[] bf16Expected = {
      1f, -2f, 0.5f, 3.140625f, Float.intBitsToFloat(0x006D0000), Float.NEGATIVE_INFINITY
    };
    SafetensorsWriter.write(
        dir.resolve("model.safetensors"),
        List.of(
            Tensor.ofFloats("a.f32", new long[] {2, 3}, f32),
            shorts("b.f16", DType.F16, new long[] {8}, f16),
            shorts("c.bf16", DType.BF16, new long[] {2, 3}, bf16)));
    try (Checkpoint ck = Checkpoint.open(dir)) {
      assertEquals(List.of("a.f32", "b.f16", "c.bf16"), ck.names());
      Tensor a = ck.tensor("a.f32");
      assertEquals(DType.F32, a.dtype());
      assertArrayEquals(new long[] {2, 3}, a.shape());
      assertArrayEquals(f32, a.toFloatArray());
      assertTrue(a.data().isDirect(), "F32 is served from the mapping");
      assertTrue(a.toF32().isDirect());
      Tensor b = ck.tensor("b.f16");
      assertEquals(DType.F16, b.dtype());
      assertArrayEquals(f16Expected, b.toFloatArray());
      Tensor c = ck.tensor("c.bf16");
      assertEquals(DType.BF16, c.dtype());
      assertArrayEquals(new long[] {2, 3}, c.shape());
      assertArrayEquals(bf16Expected, c.toFloatArray());
      assertTrue(c.toF32().isDirect(), "widened off-heap");
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> ck.tensor("missing"));
      assertTrue(e.getMessage().contains("missing"));
    }
  }

  @Test
  void narrowingRoundTripsWithinHalfAnUlp() {
    Random rnd = new Random(5);
    for (int i = 0; i < 20_000; i++) {
      float x = (float) (rnd.nextGaussian() * Math.pow(2, rnd.nextInt(20) - 10));
      float h = Tensor.halfToFloat(Tensor.floatToHalf(x));
      assertTrue(Math.abs(h - x) <= Math.abs(x) * 0x1p-11 + 0x1p-25, x + " -> " + h);
      float bf = Tensor.bf16ToFloat(Tensor.floatToBf16(x));
      assertTrue(Math.abs(bf - x) <= Math.abs(x) * 0x1p-8, x + " -> " + bf);
    }
  }

  @Test
  void readsAShardedCheckpoint() throws IOException {
    Path dir = Files.createDirectories(tmp.resolve("sharded"));
    writeConfig(dir);
    Tensor a =
        Tensor.ofFloats("model.embed_tokens.weight", new long[] {2, 2}, new float[] {1, 2, 3, 4});
    Tensor b = Tensor.ofFloats("model.norm.weight", new long[] {2}, new float[] {5, 6});
    Tensor c = shorts("lm_head.weight", DType.BF16, new long[] {1, 2}, 0x3F80, 0x4000);
    String s1 = "model-00001-of-00002.safetensors";
    String s2 = "model-00002-of-00002.safetensors";
    SafetensorsWriter.write(dir.resolve(s1), List.of(a, b));
    SafetensorsWriter.write(dir.resolve(s2), List.of(c));
    ObjectNode index = JSON.createObjectNode();
    index.putObject("metadata").put("total_size", 16 + 8 + 4);
    ObjectNode map = index.putObject("weight_map");
    map.put(a.name(), s1).put(c.name(), s2).put(b.name(), s1);
    JSON.writeValue(dir.resolve("model.safetensors.index.json").toFile(), index);
    try (Checkpoint ck = Checkpoint.open(dir)) {
      assertEquals(3, ck.names().size());
      assertTrue(ck.has("lm_head.weight") && ck.has("model.norm.weight"));
      assertArrayEquals(new float[] {1, 2, 3, 4}, ck.tensor(a.name()).toFloatArray());
      assertArrayEquals(new float[] {5, 6}, ck.tensor(b.name()).toFloatArray());
      assertArrayEquals(new float[] {1, 2}, ck.tensor(c.name()).toFloatArray());
    }
  }

  @Test
  void positionalReadsMatchTheMappingInEveryShard() throws IOException {
    Path dir = Files.createDirectories(tmp.resolve("read"));
    writeConfig(dir);
    float[] values = new float[300];
    for (int i = 0; i < values.length; i++) {
      values[i] = i * 0.5f - 7;
    }
    Tensor a = Tensor.ofFloats("model.embed_tokens.weight", new long[] {3, 100}, values);
    Tensor b = Tensor.ofFloats("model.norm.weight", new long[] {2}, new float[] {5, 6});
    SafetensorsWriter.write(dir.resolve("model.safetensors"), List.of(b, a));
    try (Checkpoint ck = Checkpoint.open(dir)) {
      java.nio.ByteBuffer row = java.nio.ByteBuffer.allocate(400);
      ck.read(a.name(), 400, row); // row 1
      row.flip().order(java.nio.ByteOrder.LITTLE_ENDIAN);
      for (int c = 0; c < 100; c++) {
        assertEquals(values[100 + c], row.getFloat(4 * c), 0f, "row 1 col " + c);
      }
      java.nio.ByteBuffer tail = java.nio.ByteBuffer.allocate(8);
      ck.read(b.name(), 0, tail);
      assertEquals(5f, tail.flip().order(java.nio.ByteOrder.LITTLE_ENDIAN).getFloat(0));
      assertThrows(
          IllegalArgumentException.class,
          () -> ck.read(a.name(), 1000, java.nio.ByteBuffer.allocate(400)),
          "reading past the tensor's end");
    }
  }

  @Test
  void writeThenReadIsByteIdentical() throws IOException {
    Path dir = Files.createDirectories(tmp.resolve("rt"));
    writeConfig(dir);
    Random rnd = new Random(11);
    float[] big = new float[3 * 17];
    for (int i = 0; i < big.length; i++) {
      big[i] = (float) rnd.nextGaussian();
    }
    List<Tensor> tensors =
        List.of(
            Tensor.ofFloats("x", new long[] {3, 17}, big),
            shorts("y", DType.F16, new long[] {3}, 0x1234, 0x8001, 0x7BFF),
            Tensor.ofFloats("z", new long[] {0}, new float[0]));
    Path file = dir.resolve("model.safetensors");
    SafetensorsWriter.write(file, tensors);
    // header: 8-byte LE length, JSON padded to a multiple of 8, offsets contiguous
    byte[] raw = Files.readAllBytes(file);
    long headerLen = ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN).getLong(0);
    assertEquals(0, headerLen % 8);
    JsonNode header = JSON.readTree(new String(raw, 8, (int) headerLen, StandardCharsets.UTF_8));
    assertEquals("[0,204]", header.get("x").get("data_offsets").toString());
    assertEquals("[204,210]", header.get("y").get("data_offsets").toString());
    assertEquals(8 + headerLen + 210, raw.length);
    try (Checkpoint ck = Checkpoint.open(dir)) {
      for (Tensor t : tensors) {
        Tensor r = ck.tensor(t.name());
        assertEquals(t.dtype(), r.dtype());
        assertArrayEquals(t.shape(), r.shape());
        assertEquals(t.data().duplicate().rewind(), r.data().duplicate().rewind(), t.name());
      }
      // and a second generation written from the mapped tensors is identical on disk
      Path dir2 = Files.createDirectories(tmp.resolve("rt2"));
      List<Tensor> again = ck.names().stream().map(ck::tensor).toList();
      SafetensorsWriter.write(dir2.resolve("model.safetensors"), again);
      assertArrayEquals(raw, Files.readAllBytes(dir2.resolve("model.safetensors")));
    }
  }

  @Test
  void rejectsBrokenDirectories() throws IOException {
    assertThrows(IllegalArgumentException.class, () -> Checkpoint.open(tmp.resolve("absent")));
    Path noWeights = Files.createDirectories(tmp.resolve("noweights"));
    writeConfig(noWeights);
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> Checkpoint.open(noWeights));
    assertTrue(e.getMessage().contains("model.safetensors"));
    Path garbage = Files.createDirectories(tmp.resolve("garbage"));
    writeConfig(garbage);
    Files.write(
        garbage.resolve("model.safetensors"), new byte[] {(byte) 0xff, 1, 2, 3, 4, 5, 6, 7, 8});
    e = assertThrows(IllegalArgumentException.class, () -> Checkpoint.open(garbage));
    assertTrue(e.getMessage().contains("not a safetensors file"), e.getMessage());
  }
}
