package dev.shallows.pruning.eval;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.HashMap;
import java.util.Map;

/**
 * Two variants evaluated on the same items: accuracies, the paired difference B - A with a 95%
 * interval, and McNemar's test on the discordant items. This is what decides whether a pruned
 * variant is "as good" as its parent.
 *
 * @param n items answered by both
 * @param accuracyA accuracy of variant A on those items
 * @param accuracyB accuracy of variant B on those items
 * @param onlyA items only A got right (b)
 * @param onlyB items only B got right (c)
 * @param difference accuracyB - accuracyA
 * @param ci95 Wald 95% interval of the paired difference
 * @param mcnemarExactP exact two-sided binomial McNemar p-value
 * @param mcnemarChiSquare continuity-corrected chi-square statistic
 * @param mcnemarCorrectedP its p-value (1 degree of freedom)
 */
public record PairedComparison(
    int n,
    double accuracyA,
    double accuracyB,
    int onlyA,
    int onlyB,
    double difference,
    Interval ci95,
    double mcnemarExactP,
    double mcnemarChiSquare,
    double mcnemarCorrectedP) {

  /** Compares two results item by item (matched by id; items missing in either are an error). */
  public static PairedComparison of(AccuracyResult a, AccuracyResult b) {
    Map<String, Boolean> bById = new HashMap<>();
    for (AccuracyResult.ItemOutcome it : b.items()) {
      bById.put(it.id(), it.correct());
    }
    if (a.items().size() != b.items().size()) {
      throw new IllegalArgumentException(
          "results cover different items: " + a.items().size() + " vs " + b.items().size());
    }
    int both = 0;
    int onlyA = 0;
    int onlyB = 0;
    int rightA = 0;
    int rightB = 0;
    for (AccuracyResult.ItemOutcome it : a.items()) {
      Boolean rb = bById.get(it.id());
      if (rb == null) {
        throw new IllegalArgumentException(
            "item " + it.id() + " is missing from the second result");
      }
      both++;
      rightA += it.correct() ? 1 : 0;
      rightB += rb ? 1 : 0;
      if (it.correct() && !rb) {
        onlyA++;
      } else if (!it.correct() && rb) {
        onlyB++;
      }
    }
    double accA = both == 0 ? 0 : (double) rightA / both;
    double accB = both == 0 ? 0 : (double) rightB / both;
    return new PairedComparison(
        both,
        accA,
        accB,
        onlyA,
        onlyB,
        accB - accA,
        Statistics.pairedDifference(onlyA, onlyB, both, Statistics.Z95),
        Statistics.mcnemarExact(onlyA, onlyB),
        Statistics.mcnemarChiSquare(onlyA, onlyB),
        Statistics.mcnemarCorrectedP(onlyA, onlyB));
  }

  public ObjectNode toJson(ObjectMapper json) {
    ObjectNode o = json.createObjectNode();
    o.put("n", n);
    o.put("accuracy_a", accuracyA);
    o.put("accuracy_b", accuracyB);
    o.put("only_a_correct", onlyA);
    o.put("only_b_correct", onlyB);
    o.put("difference", difference);
    o.put("difference_ci95_low", ci95.low());
    o.put("difference_ci95_high", ci95.high());
    o.put("mcnemar_exact_p", mcnemarExactP);
    o.put("mcnemar_chi2_cc", mcnemarChiSquare);
    o.put("mcnemar_cc_p", mcnemarCorrectedP);
    return o;
  }
}
