package dev.shallows.pruning.sweep;

import dev.shallows.pruning.Cancellation;
import dev.shallows.pruning.ProgressListener;
import java.nio.file.Path;

/**
 * The sweep's healing hook: heals the pruned variant written in {@code prunedDir} and writes the
 * healed variant (an HF checkpoint) to {@code healedDir}. The CLI adapts the healing module's
 * {@code Healer} to it; the sweep itself does not know how healing works.
 */
@FunctionalInterface
public interface VariantHealer {

  void heal(Path prunedDir, Path healedDir, ProgressListener progress, Cancellation cancel);
}
