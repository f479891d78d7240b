package dev.shallows.engine;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shallows.engine.bench.ResidentMemory;
import dev.shallows.engine.cpu.kernels.QuantizedLayout;
import dev.shallows.engine.cpu.kernels.WeightFormat;
import dev.shallows.store.Checkpoint;
import dev.shallows.store.SafetensorsWriter;
import dev.shallows.store.Tensor;
import java.nio.ByteBuffer;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Reading a stored int8 matrix row by row (as repacking does) goes through file reads, so the
 * process's file-backed resident memory does not grow by the matrix; touching the mapping instead
 * does (the control that shows the measurement can see it).
 */
class StoredRowsResidencyTest {

  @TempDir Path tmp;

  @Test
  void rowByRowDecodingLeavesNoMappedPagesResident() throws Exception {
    int rows = 4096;
    int cols = 8192; // 32 MiB of int8 codes
    float[] w = new float[cols];
    Random rnd = new Random(3);
    Path dir = Files.createDirectories(tmp.resolve("m"));
    Files.writeString(
        dir.resolve("config.json"),
        "{\"model_type\": \"llama\", \"hidden_size\": 4, \"intermediate_size\": 8,"
            + " \"num_hidden_layers\": 1, \"num_attention_heads\": 2, \"vocab_size\": 10}");
    FloatBuffer all = FloatBuffer.allocate(rows * cols);
    for (int r = 0; r < rows; r++) {
      for (int c = 0; c < cols; c++) {
        w[c] = (float) rnd.nextGaussian();
      }
      all.put(w);
    }
    List<Tensor> t = QuantizedLayout.encode("w", all.flip(), rows, cols, WeightFormat.INT8);
    SafetensorsWriter.write(dir.resolve("model.safetensors"), t);
    try (Checkpoint ck = Checkpoint.open(dir)) {
      Matrix m = StoredMatrices.of(ck, "w", rows, cols);
      long before = ResidentMemory.now().fileBytes();
      float[] row = new float[cols];
      double sum = 0;
      for (int r = 0; r < rows; r++) {
        m.row(r, row);
        sum += row[r % cols];
      }
      long grown = ResidentMemory.now().fileBytes() - before;
      assertTrue(grown < 8L << 20, "row reads grew file-backed RSS by " + grown + " bytes");

      ByteBuffer mapped = ck.tensor("w").data();
      long checksum = 0;
      for (int i = mapped.position(); i < mapped.limit(); i += 4096) {
        checksum += mapped.get(i); // touch every page of the mapping
      }
      long touched = ResidentMemory.now().fileBytes() - before;
      assertTrue(
          touched > 24L << 20,
          "touching the mapping (checksum " + checksum + ") grew RSS by only " + touched);
      assertTrue(Double.isFinite(sum));
    }
  }
}
