package dev.shallows.store.llama2c;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shallows.store.Checkpoint;
import dev.shallows.store.LlamaConfig;
import dev.shallows.store.SharedData;
import dev.shallows.store.Tensor;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Imports stories260K and checks the HF directory against the raw llama2.c file, read here with
 * independently computed offsets (README layout), and the RoPE permutation against both rotation
 * conventions in double precision.
 */
class Llama2cImporterTest {

  static final Path CKPT = SharedData.resolve("llama2c/stories260K.bin");
  static final Path TOK = SharedData.resolve("llama2c/tok512.bin");
  static final int D = 64, F = 172, L = 5, H = 8, KVH = 4, V = 512, SEQ = 512, HS = 8, KV = 32;

  @TempDir Path tmp;

  /** The raw floats after the 28-byte header. */
  static float[] rawFloats(Path file) throws IOException {
    FloatBuffer fb =
        ByteBuffer.wrap(Files.readAllBytes(file))
            .order(ByteOrder.LITTLE_ENDIAN)
            .position(28)
            .slice()
            .order(ByteOrder.LITTLE_ENDIAN)
            .asFloatBuffer();
    float[] a = new float[fb.remaining()];
    fb.get(a);
    return a;
  }

  @Test
  void importsStories260K() throws IOException {
    Path out = tmp.resolve("stories260K");
    LlamaConfig written = Llama2cImporter.importModel(CKPT, TOK, out, false);
    for (String f :
        List.of(
            "config.json",
            "generation_config.json",
            "model.safetensors",
            "tokenizer.json",
            "tokenizer_config.json")) {
      assertTrue(Files.isRegularFile(out.resolve(f)), f);
    }
    try (Stream<Path> s = Files.list(tmp)) {
      assertEquals(List.of(out), s.toList(), "no temporary directory left behind");
    }
    float[] raw = rawFloats(CKPT);
    try (Checkpoint ck = Checkpoint.open(out)) {
      LlamaConfig c = ck.config();
      assertEquals(written.raw(), c.raw());
      assertEquals("llama", c.modelType());
      assertEquals(D, c.hiddenSize());
      assertEquals(F, c.intermediateSize());
      assertEquals(L, c.numHiddenLayers());
      assertEquals(H, c.numAttentionHeads());
      assertEquals(KVH, c.numKeyValueHeads());
      assertEquals(HS, c.headDim());
      assertEquals(V, c.vocabSize());
      assertEquals(SEQ, c.maxPositionEmbeddings());
      assertEquals(1e-5, c.rmsNormEps());
      assertEquals(10000.0, c.ropeTheta());
      assertTrue(c.tieWordEmbeddings());
      assertFalse(c.attentionBias());
      assertEquals(List.of(1), c.bosTokenIds());
      assertEquals(List.of(2), c.eosTokenIds());
      assertEquals(1 + 9 * L + 1, ck.names().size());
      assertFalse(ck.has("lm_head.weight"), "stories260K is tied");

      // offsets of the README layout
      long off = 0;
      off = expect(ck, "model.embed_tokens.weight", raw, off, V, D);
      long rmsAtt = off;
      long wq = rmsAtt + (long) L * D;
      long wk = wq + (long) L * D * D;
      long wv = wk + (long) L * KV * D;
      long wo = wv + (long) L * KV * D;
      long rmsFfn = wo + (long) L * D * D;
      long w1 = rmsFfn + (long) L * D;
      long w2 = w1 + (long) L * F * D;
      long w3 = w2 + (long) L * D * F;
      long fin = w3 + (long) L * F * D;
      for (int l = 0; l < L; l++) {
        String p = "model.layers." + l + ".";
        expect(ck, p + "input_layernorm.weight", raw, rmsAtt + (long) l * D, D);
        expect(ck, p + "self_attn.v_proj.weight", raw, wv + (long) l * KV * D, KV, D);
        expect(ck, p + "self_attn.o_proj.weight", raw, wo + (long) l * D * D, D, D);
        expect(ck, p + "post_attention_layernorm.weight", raw, rmsFfn + (long) l * D, D);
        expect(ck, p + "mlp.gate_proj.weight", raw, w1 + (long) l * F * D, F, D);
        expect(ck, p + "mlp.down_proj.weight", raw, w2 + (long) l * D * F, D, F);
        expect(ck, p + "mlp.up_proj.weight", raw, w3 + (long) l * F * D, F, D);
        // q/k: undo HF's permutation independently (hf row p*hs/2+i <- raw row 2i+p)
        assertArrayEquals(
            slice(raw, wq + (long) l * D * D, D * D),
            unpermute(ck.tensor(p + "self_attn.q_proj.weight"), H, D, D));
        assertArrayEquals(
            slice(raw, wk + (long) l * KV * D, KV * D),
            unpermute(ck.tensor(p + "self_attn.k_proj.weight"), KVH, KV, D));
      }
      expect(ck, "model.norm.weight", raw, fin, D);
      assertEquals(fin + D + (long) SEQ * HS, raw.length, "layout accounts for every float");
    }
  }

  /**
   * Attention scores with llama2.c's interleaved RoPE on the raw weights equal those with HF's
   * rotate-half RoPE on the imported weights, for every layer, head, and a few positions.
   */
  @Test
  void permutedQkGiveTheSameAttentionScoresUnderHfRope() throws IOException {
    Path out = tmp.resolve("m");
    Llama2cImporter.importModel(CKPT, TOK, out, false);
    float[] raw = rawFloats(CKPT);
    long wq = (long) V * D + (long) L * D;
    long wk = wq + (long) L * D * D;
    Random rnd = new Random(3);
    double[] x = new double[D];
    double[] y = new double[D];
    for (int i = 0; i < D; i++) {
      x[i] = rnd.nextGaussian();
      y[i] = rnd.nextGaussian();
    }
    try (Checkpoint ck = Checkpoint.open(out)) {
      for (int l = 0; l < L; l++) {
        String p = "model.layers." + l + ".self_attn.";
        double[] qRaw = matvec(slice(raw, wq + (long) l * D * D, D * D), D, D, x);
        double[] kRaw = matvec(slice(raw, wk + (long) l * KV * D, KV * D), KV, D, y);
        double[] qHf = matvec(ck.tensor(p + "q_proj.weight").toFloatArray(), D, D, x);
        double[] kHf = matvec(ck.tensor(p + "k_proj.weight").toFloatArray(), KV, D, y);
        for (int[] pos : new int[][] {{0, 0}, {5, 2}, {17, 17}, {300, 44}}) {
          double[] qi = ropeInterleaved(qRaw, pos[0]);
          double[] ki = ropeInterleaved(kRaw, pos[1]);
          double[] qh = ropeHalves(qHf, pos[0]);
          double[] kh = ropeHalves(kHf, pos[1]);
          for (int h = 0; h < H; h++) {
            int g = h / (H / KVH);
            double a = dot(qi, h * HS, ki, g * HS);
            double b = dot(qh, h * HS, kh, g * HS);
            assertEquals(a, b, 1e-9 * (1 + Math.abs(a)), "layer " + l + " head " + h);
          }
          // and the rotation actually matters: without permutation the scores would differ
          double c = dot(ropeHalves(qRaw, pos[0]), 0, ropeHalves(kRaw, pos[1]), 0);
          if (pos[0] != pos[1]) {
            assertTrue(Math.abs(c - dot(qi, 0, ki, 0)) > 1e-6, "control case is distinguishable");
          }
        }
      }
    }
  }

  @Test
  void refusesNonEmptyTargetUnlessOverwrite() throws IOException {
    Path out = tmp.resolve("m");
    Files.createDirectories(out);
    Files.writeString(out.resolve("keep.txt"), "x");
    assertThrows(
        IllegalStateException.class, () -> Llama2cImporter.importModel(CKPT, TOK, out, false));
    assertTrue(Files.exists(out.resolve("keep.txt")));
    Llama2cImporter.importModel(CKPT, TOK, out, true);
    assertFalse(Files.exists(out.resolve("keep.txt")));
    assertTrue(Files.exists(out.resolve("model.safetensors")));
    // an existing empty directory is fine
    Path empty = Files.createDirectories(tmp.resolve("empty"));
    Llama2cImporter.importModel(CKPT, TOK, empty, false);
    assertTrue(Files.exists(empty.resolve("tokenizer.json")));
  }

  @Test
  void failureHalfwayLeavesNoTarget() throws IOException {
    // a tokenizer whose byte tokens are wrong fails after model.safetensors has been written
    byte[] good = Files.readAllBytes(TOK);
    ByteBuffer b = ByteBuffer.wrap(good.clone()).order(ByteOrder.LITTLE_ENDIAN);
    // token 3 starts after max_len and 3 entries: find it by walking
    int pos = 4;
    for (int id = 0; id < 3; id++) {
      pos += 8 + b.getInt(pos + 4);
    }
    b.put(pos + 8 + 1, (byte) '1'); // "<0x00>" -> "<1x00>"
    Path badTok = tmp.resolve("bad.bin");
    Files.write(badTok, b.array());
    Path out = tmp.resolve("m");
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> Llama2cImporter.importModel(CKPT, badTok, out, false));
    assertTrue(e.getMessage().contains("byte token"), e.getMessage());
    assertFalse(Files.exists(out));
    try (Stream<Path> s = Files.list(tmp)) {
      assertEquals(List.of(badTok), s.toList(), "temporary directory removed");
    }
  }

  @Test
  void rejectsBadInputsClearly() throws IOException {
    Path truncated = tmp.resolve("short.bin");
    Files.write(truncated, java.util.Arrays.copyOf(Files.readAllBytes(CKPT), 100_000));
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> Llama2cImporter.importModel(truncated, TOK, tmp.resolve("a"), false));
    assertTrue(e.getMessage().contains("implies"), e.getMessage());
    assertThrows(
        IllegalArgumentException.class,
        () ->
            Llama2cImporter.importModel(tmp.resolve("missing.bin"), TOK, tmp.resolve("b"), false));
    assertThrows(
        IllegalArgumentException.class,
        () -> Llama2cImporter.importModel(CKPT, CKPT, tmp.resolve("c"), false));
    assertFalse(Files.exists(tmp.resolve("a")));
  }

  @Test
  void untiedCheckpointGetsLmHead() throws IOException {
    // a small random llama2.c file with a negative vocab_size (separate classifier at the end)
    int d = 8, f = 12, l = 1, h = 2, kvh = 1, v = 512, seq = 4;
    Llama2cCheckpoint.Header hdr = new Llama2cCheckpoint.Header(d, f, l, h, kvh, v, false, seq);
    int n = Math.toIntExact(Llama2cCheckpoint.expectedFloats(hdr));
    ByteBuffer b = ByteBuffer.allocate(28 + 4 * n).order(ByteOrder.LITTLE_ENDIAN);
    for (int i : new int[] {d, f, l, h, kvh, -v, seq}) {
      b.putInt(i);
    }
    Random rnd = new Random(1);
    float[] vals = new float[n];
    for (int i = 0; i < n; i++) {
      vals[i] = (float) rnd.nextGaussian();
      b.putFloat(vals[i]);
    }
    Path file = tmp.resolve("untied.bin");
    Files.write(file, b.array());
    Path out = tmp.resolve("untied");
    Llama2cImporter.importModel(file, TOK, out, false);
    try (Checkpoint ck = Checkpoint.open(out)) {
      assertFalse(ck.config().tieWordEmbeddings());
      Tensor head = ck.tensor("lm_head.weight");
      assertArrayEquals(new long[] {v, d}, head.shape());
      assertArrayEquals(slice(vals, n - v * d, v * d), head.toFloatArray());
      assertArrayEquals(
          slice(vals, 0, v * d), ck.tensor("model.embed_tokens.weight").toFloatArray());
    }
  }

  private static long expect(Checkpoint ck, String name, float[] raw, long off, long... shape) {
    Tensor t = ck.tensor(name);
    assertArrayEquals(shape, t.shape(), name);
    int n = Math.toIntExact(Tensor.numel(shape));
    assertArrayEquals(slice(raw, off, n), t.toFloatArray(), name);
    return off + n;
  }

  private static float[] slice(float[] a, long off, int n) {
    return java.util.Arrays.copyOfRange(a, Math.toIntExact(off), Math.toIntExact(off) + n);
  }

  /** Raw llama2.c row order from HF rows: raw row 2i+p of a head = HF row p*hs/2+i. */
  private static float[] unpermute(Tensor t, int heads, int rows, int cols) {
    assertArrayEquals(new long[] {rows, cols}, t.shape());
    float[] hf = t.toFloatArray();
    float[] out = new float[hf.length];
    int hs = rows / heads;
    for (int head = 0; head < heads; head++) {
      for (int r = 0; r < hs; r++) {
        int i = r / 2;
        int p = r % 2;
        System.arraycopy(
            hf, (head * hs + p * hs / 2 + i) * cols, out, (head * hs + r) * cols, cols);
      }
    }
    return out;
  }

  private static double[] matvec(float[] w, int rows, int cols, double[] x) {
    double[] y = new double[rows];
    for (int r = 0; r < rows; r++) {
      double s = 0;
      for (int c = 0; c < cols; c++) {
        s += w[r * cols + c] * x[c];
      }
      y[r] = s;
    }
    return y;
  }

  /** llama2.c run.c: rotate pairs (j, j+1) with freq 10000^(-(j % hs)/hs). */
  private static double[] ropeInterleaved(double[] v, int pos) {
    double[] o = v.clone();
    for (int j = 0; j < v.length; j += 2) {
      double freq = 1.0 / Math.pow(10000.0, (j % HS) / (double) HS);
      double a = pos * freq;
      o[j] = v[j] * Math.cos(a) - v[j + 1] * Math.sin(a);
      o[j + 1] = v[j] * Math.sin(a) + v[j + 1] * Math.cos(a);
    }
    return o;
  }

  /** HF Llama: within each head rotate (i, i + hs/2) with inv_freq 10000^(-2i/hs). */
  private static double[] ropeHalves(double[] v, int pos) {
    double[] o = v.clone();
    for (int base = 0; base < v.length; base += HS) {
      for (int i = 0; i < HS / 2; i++) {
        double a = pos / Math.pow(10000.0, 2.0 * i / HS);
        double x1 = v[base + i];
        double x2 = v[base + i + HS / 2];
        o[base + i] = x1 * Math.cos(a) - x2 * Math.sin(a);
        o[base + i + HS / 2] = x2 * Math.cos(a) + x1 * Math.sin(a);
      }
    }
    return o;
  }

  private static double dot(double[] a, int ao, double[] b, int bo) {
    double s = 0;
    for (int i = 0; i < HS; i++) {
      s += a[ao + i] * b[bo + i];
    }
    return s;
  }
}
