package io.mlmesh.monitor.grpc;

import io.mlmesh.core.drift.DriftReport;
import io.mlmesh.core.drift.FeatureDrift;
import io.mlmesh.monitor.drift.DatasetComparison;
import io.mlmesh.monitor.v1.ColumnDrift;
import io.mlmesh.monitor.v1.DatasetDrift;
import io.mlmesh.monitor.v1.DriftMethod;
import io.mlmesh.monitor.v1.DriftVerdict;
import io.mlmesh.monitor.v1.FeatureKind;

/**
 * Turns core's drift results into {@code mlmesh.monitor.v1} messages. The proto enums carry
 * core's constant names behind a prefix (DRIFT_METHOD_, DRIFT_VERDICT_, FEATURE_KIND_).
 */
final class DriftProto {

    private DriftProto() {
    }

    static DatasetDrift toProto(DatasetComparison comparison) {
        DriftReport report = comparison.report();
        DatasetDrift.Builder builder = DatasetDrift.newBuilder()
                .setVerdict(DriftVerdict.valueOf("DRIFT_VERDICT_" + report.verdict().name()))
                .setDatasetDrift(report.datasetDrift())
                .setTestedCount(report.testedCount())
                .setDriftedCount(report.driftedCount())
                .setDriftedShare(report.driftedShare())
                .setDriftShareThreshold(report.datasetDriftShare())
                .setReferenceRows(comparison.referenceRows())
                .setCurrentRows(comparison.currentRows())
                .setReferenceSha256(comparison.referenceSha256())
                .setCurrentSha256(comparison.currentSha256());
        report.features().forEach(feature -> builder.addColumns(toProto(feature)));
        return builder.build();
    }

    static ColumnDrift toProto(FeatureDrift feature) {
        return ColumnDrift.newBuilder()
                .setColumn(feature.feature())
                .setKind(FeatureKind.valueOf("FEATURE_KIND_" + feature.kind().name()))
                .setMethod(DriftMethod.valueOf("DRIFT_METHOD_" + feature.method().name()))
                .setVerdict(DriftVerdict.valueOf("DRIFT_VERDICT_" + feature.verdict().name()))
                .setDrifted(feature.drifted())
                .setStatistic(feature.statistic())
                .setScore(feature.score())
                .setThreshold(feature.threshold())
                .setPsi(feature.populationStabilityIndex())
                .setPsiAboveThreshold(feature.stabilityIndexAboveThreshold())
                .setReferenceCount(feature.referenceCount())
                .setCurrentCount(feature.windowCount())
                .setReferenceMissingShare(feature.referenceMissingShare())
                .setCurrentMissingShare(feature.windowMissingShare())
                .setNote(feature.note())
                .build();
    }
}
