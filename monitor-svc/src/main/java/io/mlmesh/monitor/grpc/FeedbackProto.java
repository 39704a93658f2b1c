package io.mlmesh.monitor.grpc;

import io.mlmesh.monitor.feedback.GroupComparison;
import io.mlmesh.monitor.feedback.GroupQuality;
import io.mlmesh.monitor.feedback.JoinedRow;
import io.mlmesh.monitor.feedback.LiveQualityReport;
import io.mlmesh.monitor.v1.LabelledPrediction;
import io.mlmesh.monitor.v1.LiveQuality;
import io.mlmesh.monitor.v1.PredictionLogEntry;
import io.mlmesh.monitor.v1.VariantComparison;
import io.mlmesh.monitor.v1.VariantQuality;

/** Feedback results as {@code mlmesh.monitor.v1} messages. */
final class FeedbackProto {

    private FeedbackProto() {
    }

    static LiveQuality toProto(LiveQualityReport report) {
        LiveQuality.Builder quality = LiveQuality.newBuilder().setModel(report.model());
        for (GroupQuality group : report.groups()) {
            quality.addGroups(toProto(group));
        }
        for (GroupComparison comparison : report.comparisons()) {
            quality.addComparisons(VariantComparison.newBuilder()
                    .setVersionA(comparison.a().version())
                    .setVariantA(comparison.a().variant())
                    .setVersionB(comparison.b().version())
                    .setVariantB(comparison.b().variant())
                    .setAucDifference(comparison.aucDifference())
                    .setAucPValue(comparison.aucPValue())
                    .setAccuracyDifference(comparison.accuracyDifference())
                    .setAccuracyPValue(comparison.accuracyPValue())
                    .setNote(comparison.note()));
        }
        return quality.build();
    }

    static LabelledPrediction toProto(JoinedRow row) {
        PredictionLogEntry prediction = row.prediction();
        return LabelledPrediction.newBuilder()
                .setRequestId(prediction.getRequestId())
                .setEndpoint(prediction.getEndpoint())
                .setModel(prediction.getModel())
                .setVersion(prediction.getVersion())
                .setVariant(prediction.getVariant())
                .putAllFeatures(prediction.getFeaturesMap())
                .setScore(prediction.getScore())
                .setLabel(row.outcome().getLabel())
                .setPredictedAt(prediction.getTimestamp())
                .setOutcomeAt(row.outcome().getTime())
                .addAllMaskedColumns(prediction.getMaskedColumnsList())
                .build();
    }

    private static VariantQuality toProto(GroupQuality group) {
        return VariantQuality.newBuilder()
                .setVersion(group.version())
                .setVariant(group.variant())
                .setJoinedCount(group.joinedCount())
                .setPositiveCount(group.positiveCount())
                .setAuc(group.auc())
                .setAucDefined(group.aucDefined())
                .setLogLoss(group.logLoss())
                .setAccuracy(group.accuracy())
                .build();
    }
}
