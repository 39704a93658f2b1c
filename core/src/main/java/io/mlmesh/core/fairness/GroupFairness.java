package io.mlmesh.core.fairness;

import io.mlmesh.core.metrics.SlicedMetrics;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.function.ToDoubleFunction;

/**
 * Group fairness measures of binary decisions for a sensitive attribute (sex, age band, ...).
 *
 * <p>Design: the measures compare groups by rates only, so they work on the decisions (scores
 * already cut at a threshold) and the labels, from any model. Demographic parity looks at
 * selection rates alone (who gets the positive decision); equalized odds looks at error rates
 * given the truth (true and false positive rates), so a group with a higher base rate may be
 * selected more without being treated unfairly by that measure. Rates undefined for a group
 * (no positive, no negative) are NaN and left out of the spreads rather than read as 0.
 */
public final class GroupFairness {

    private GroupFairness() {
    }

    /**
     * The fairness of {@code predicted} decisions over the groups named by {@code groups}.
     *
     * @param groups each row's group, not null
     * @param predicted each row's decision, 0 or 1
     * @param labels each row's truth, 0 or 1
     * @param referenceGroup the group for disparate impact; null or empty: the group with the
     *     highest selection rate
     * @throws IllegalArgumentException when the arrays differ in length or are empty, or when
     *     the reference group has no row
     */
    public static FairnessReport of(String[] groups, int[] predicted, int[] labels,
            String referenceGroup) {
        checkRows(groups, predicted, labels);
        List<GroupRates> rates = ratesByGroup(groups, predicted, labels);
        GroupRates reference = referenceOf(rates, referenceGroup);

        double highestSelection = max(rates, GroupRates::selectionRate);
        double lowestSelection = min(rates, GroupRates::selectionRate);
        double tprSpread = max(rates, GroupRates::truePositiveRate)
                - min(rates, GroupRates::truePositiveRate);
        double fprSpread = max(rates, GroupRates::falsePositiveRate)
                - min(rates, GroupRates::falsePositiveRate);
        return new FairnessReport(rates, highestSelection - lowestSelection,
                highestSelection == 0 ? Double.NaN : lowestSelection / highestSelection,
                largerDefined(tprSpread, fprSpread), disparateImpact(rates, reference),
                reference.group());
    }

    /** Decisions from scores: 1 when the score is at or above the threshold. */
    public static int[] decisions(double[] scores, double threshold) {
        int[] decisions = new int[scores.length];
        for (int i = 0; i < scores.length; i++) {
            decisions[i] = scores[i] >= threshold ? 1 : 0;
        }
        return decisions;
    }

    private static List<GroupRates> ratesByGroup(String[] groups, int[] predicted,
            int[] labels) {
        Map<String, long[]> countsByGroup = new TreeMap<>(SlicedMetrics.VALUE_ORDER);
        for (int i = 0; i < groups.length; i++) {
            long[] counts = countsByGroup.computeIfAbsent(
                    Objects.requireNonNull(groups[i], "group of row " + i), group -> new long[5]);
            counts[0]++;
            counts[1] += predicted[i];
            counts[2] += labels[i];
            counts[3] += predicted[i] * labels[i];
            counts[4] += predicted[i] * (1 - labels[i]);
        }
        List<GroupRates> rates = new ArrayList<>(countsByGroup.size());
        countsByGroup.forEach((group, counts) -> rates.add(new GroupRates(group, counts[0],
                ratio(counts[1], counts[0]), ratio(counts[3], counts[2]),
                ratio(counts[4], counts[0] - counts[2]))));
        return rates;
    }

    private static GroupRates referenceOf(List<GroupRates> rates, String referenceGroup) {
        if (referenceGroup == null || referenceGroup.isEmpty()) {
            return rates.stream()
                    .max(Comparator.comparingDouble(GroupRates::selectionRate))
                    .orElseThrow();
        }
        return rates.stream()
                .filter(rate -> rate.group().equals(referenceGroup))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("reference group '"
                        + referenceGroup + "' has no row (groups: " + rates.stream()
                        .map(GroupRates::group).toList() + ")"));
    }

    private static double disparateImpact(List<GroupRates> rates, GroupRates reference) {
        if (rates.size() < 2 || reference.selectionRate() == 0) {
            return Double.NaN;
        }
        return rates.stream()
                .filter(rate -> rate != reference)
                .mapToDouble(rate -> rate.selectionRate() / reference.selectionRate())
                .min()
                .orElseThrow();
    }

    private static double max(List<GroupRates> rates, ToDoubleFunction<GroupRates> rate) {
        return rates.stream().mapToDouble(rate).filter(value -> !Double.isNaN(value)).max()
                .orElse(Double.NaN);
    }

    private static double min(List<GroupRates> rates, ToDoubleFunction<GroupRates> rate) {
        return rates.stream().mapToDouble(rate).filter(value -> !Double.isNaN(value)).min()
                .orElse(Double.NaN);
    }

    private static double largerDefined(double first, double second) {
        if (Double.isNaN(first)) {
            return second;
        }
        return Double.isNaN(second) ? first : Math.max(first, second);
    }

    private static double ratio(long part, long whole) {
        return whole == 0 ? Double.NaN : (double) part / whole;
    }

    private static void checkRows(String[] groups, int[] predicted, int[] labels) {
        if (groups.length != predicted.length || groups.length != labels.length) {
            throw new IllegalArgumentException("groups has " + groups.length
                    + " values, predicted " + predicted.length + " and labels "
                    + labels.length);
        }
        if (groups.length == 0) {
            throw new IllegalArgumentException("no rows to judge");
        }
    }
}
