package dev.shallows.cli;

import static dev.shallows.cli.GenerateCommandTest.cli;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shallows.pruning.train.Pretrainer;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code shallows loss-plot}: a PNG from a manifest's loss curve; a clear error without one. */
class LossPlotCommandTest {

  @Test
  void drawsTheRecordedCurve(@TempDir Path dir) throws IOException {
    StringBuilder curve = new StringBuilder();
    for (int i = 0; i < 120; i++) {
      curve.append(i == 0 ? "" : ",").append(8.0 * Math.exp(-i / 30.0) + 1);
    }
    curve.append(",\"NaN\""); // a skipped (non-finite) step is recorded and must not break the plot
    Files.writeString(
        dir.resolve(Pretrainer.MANIFEST), "{\"training\":{\"loss_curve\":[" + curve + "]}}");
    GenerateCommandTest.Run r = cli("loss-plot", "--model", dir.toString());
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("(121 steps)"), r.out());
    BufferedImage png = ImageIO.read(dir.resolve(Pretrainer.LOSS_CHART).toFile());
    assertEquals(900, png.getWidth());
    assertEquals(500, png.getHeight());
  }

  @Test
  void alsoReadsACheckpointsTrainerState(@TempDir Path dir) throws IOException {
    Path state = dir.resolve("trainer_state.json");
    Files.writeString(state, "{\"step\":3,\"losses\":[5.0,4.0,3.5]}");
    Path png = dir.resolve("curve.png");
    GenerateCommandTest.Run r =
        cli("loss-plot", "--model", state.toString(), "--out", png.toString());
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("(3 steps)"), r.out());
    assertEquals(900, ImageIO.read(png.toFile()).getWidth());
  }

  @Test
  void refusesAManifestWithoutACurve(@TempDir Path dir) throws IOException {
    Files.writeString(dir.resolve(Pretrainer.MANIFEST), "{\"training\":{}}");
    GenerateCommandTest.Run r = cli("loss-plot", "--model", dir.toString());
    assertEquals(2, r.code());
    assertTrue(r.err().contains("has no training.loss_curve"), r.err());
    assertTrue(Files.notExists(dir.resolve(Pretrainer.LOSS_CHART)));
  }
}
