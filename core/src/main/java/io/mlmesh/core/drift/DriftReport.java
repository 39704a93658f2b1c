package io.mlmesh.core.drift;

import java.util.List;

/**
 * The drift of a data set: per feature, and as a whole. As in Evidently, the data set drifts
 * when at least {@link DriftSettings#datasetDriftShare()} of its features drift; features with
 * insufficient data are left out of that share, and a data set none of whose features could
 * be tested has {@link DriftVerdict#INSUFFICIENT_DATA}.
 *
 * @param features one result per feature, in the reference profile's order
 * @param testedCount features that had enough data to be tested
 * @param driftedCount features that drifted
 * @param driftedShare driftedCount / testedCount, 0 when nothing was tested
 * @param datasetDriftShare the share at or above which the data set drifts
 * @param verdict the data set's verdict
 */
public record DriftReport(
        List<FeatureDrift> features,
        int testedCount,
        int driftedCount,
        double driftedShare,
        double datasetDriftShare,
        DriftVerdict verdict) {

    public DriftReport {
        features = List.copyOf(features);
    }

    /** Summarizes per-feature results. */
    static DriftReport of(List<FeatureDrift> features, double datasetDriftShare) {
        int tested = (int) features.stream()
                .filter(drift -> drift.verdict() != DriftVerdict.INSUFFICIENT_DATA)
                .count();
        int drifted = (int) features.stream().filter(FeatureDrift::drifted).count();
        double share = tested == 0 ? 0 : (double) drifted / tested;
        DriftVerdict verdict = tested == 0 ? DriftVerdict.INSUFFICIENT_DATA
                : share >= datasetDriftShare ? DriftVerdict.DRIFT : DriftVerdict.NO_DRIFT;
        return new DriftReport(features, tested, drifted, share, datasetDriftShare, verdict);
    }

    /** Whether the data set as a whole drifted. */
    public boolean datasetDrift() {
        return verdict == DriftVerdict.DRIFT;
    }

    /** The result of one feature. */
    public FeatureDrift feature(String name) {
        return features.stream().filter(drift -> drift.feature().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no feature " + name
                        + " in the report"));
    }
}
