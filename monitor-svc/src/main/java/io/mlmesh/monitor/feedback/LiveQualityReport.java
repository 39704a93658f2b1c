package io.mlmesh.monitor.feedback;

import io.mlmesh.core.metrics.BinaryMetrics;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Live quality of one model from its joined rows: per (version, variant) group the figures of
 * core's {@link BinaryMetrics} (the same code as offline evaluation, so equal rows give equal
 * figures), and for every pair of groups the tests of {@link SignificanceTests}.
 *
 * @param model the model
 * @param groups ordered by version, then variant
 * @param comparisons one per pair, a before b in group order
 */
public record LiveQualityReport(String model, List<GroupQuality> groups,
        List<GroupComparison> comparisons) {

    /** Scores of 0.5 and above predict 1, as in offline evaluation. */
    public static final double THRESHOLD = 0.5;

    private record GroupKey(long version, String variant) {
    }

    /**
     * @param model the model the rows belong to
     * @param version only rows of this version, or 0 for all
     * @param rows the model's joined rows
     */
    public static LiveQualityReport of(String model, long version, List<JoinedRow> rows) {
        Map<GroupKey, List<JoinedRow>> byGroup = new TreeMap<>(Comparator
                .comparingLong(GroupKey::version).thenComparing(GroupKey::variant));
        for (JoinedRow row : rows) {
            if (version == 0 || row.prediction().getVersion() == version) {
                byGroup.computeIfAbsent(new GroupKey(row.prediction().getVersion(),
                        row.prediction().getVariant()), key -> new ArrayList<>()).add(row);
            }
        }

        List<GroupQuality> groups = new ArrayList<>(byGroup.size());
        byGroup.forEach((key, groupRows) -> groups.add(quality(key, groupRows)));
        List<GroupComparison> comparisons = new ArrayList<>();
        for (int a = 0; a < groups.size(); a++) {
            for (int b = a + 1; b < groups.size(); b++) {
                comparisons.add(compare(groups.get(a), groups.get(b)));
            }
        }
        return new LiveQualityReport(model, List.copyOf(groups), List.copyOf(comparisons));
    }

    private static GroupQuality quality(GroupKey key, List<JoinedRow> rows) {
        double[] scores = new double[rows.size()];
        int[] labels = new int[rows.size()];
        long positives = 0;
        for (int i = 0; i < rows.size(); i++) {
            scores[i] = rows.get(i).prediction().getScore();
            labels[i] = rows.get(i).outcome().getLabel();
            positives += labels[i];
        }

        double auc = BinaryMetrics.auc(scores, labels);
        return new GroupQuality(key.version(), key.variant(), rows.size(), positives,
                Double.isNaN(auc) ? 0 : auc, !Double.isNaN(auc),
                BinaryMetrics.logLoss(scores, labels),
                BinaryMetrics.accuracy(scores, labels, THRESHOLD),
                SignificanceTests.aucVariance(scores, labels));
    }

    private static GroupComparison compare(GroupQuality a, GroupQuality b) {
        List<String> notes = new ArrayList<>(2);
        double aucPValue = SignificanceTests.aucPValue(a.auc(), a.aucVariance(), b.auc(),
                b.aucVariance());
        if (Double.isNaN(aucPValue)) {
            notes.add("AUC test needs at least two positives and two negatives per group");
            aucPValue = 1;
        }

        double accuracyPValue = SignificanceTests.proportionPValue(correct(a), a.joinedCount(),
                correct(b), b.joinedCount());
        if (Double.isNaN(accuracyPValue)) {
            notes.add("accuracy test has no variance (every row right or every row wrong)");
            accuracyPValue = 1;
        }
        return new GroupComparison(a, b, a.auc() - b.auc(), aucPValue,
                a.accuracy() - b.accuracy(), accuracyPValue, String.join("; ", notes));
    }

    private static long correct(GroupQuality group) {
        return Math.round(group.accuracy() * group.joinedCount());
    }
}
