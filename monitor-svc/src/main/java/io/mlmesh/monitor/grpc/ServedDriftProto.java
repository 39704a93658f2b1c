package io.mlmesh.monitor.grpc;

import com.google.protobuf.Timestamp;
import io.mlmesh.core.drift.DriftReport;
import io.mlmesh.monitor.served.RetrainingDecision;
import io.mlmesh.monitor.served.RetrainingTrigger;
import io.mlmesh.monitor.served.ServedDriftMonitor;
import io.mlmesh.monitor.served.WindowDrift;
import io.mlmesh.monitor.v1.DriftVerdict;
import io.mlmesh.monitor.v1.DriftWindow;
import io.mlmesh.monitor.v1.GetServedDriftRequest;
import io.mlmesh.monitor.v1.RetrainingDecisions;
import io.mlmesh.monitor.v1.ServedDrift;
import java.time.Instant;
import java.util.List;

/** Turns served-drift windows and retraining decisions into {@code mlmesh.monitor.v1}. */
final class ServedDriftProto {

    private ServedDriftProto() {
    }

    /**
     * The windows a request asks for.
     *
     * @throws IllegalArgumentException naming a bad field
     * @throws io.mlmesh.monitor.served.ServedTrafficNotFoundException when nothing was served
     */
    static ServedDrift servedDrift(ServedDriftMonitor monitor, GetServedDriftRequest request) {
        if (request.getModel().isBlank()) {
            throw new IllegalArgumentException("model: required");
        }
        if (request.getVersion() < 0 || request.getHistoryLimit() < 0) {
            throw new IllegalArgumentException((request.getVersion() < 0 ? "version" :
                    "history_limit") + ": must not be negative");
        }

        ServedDrift.Builder drift = ServedDrift.newBuilder().setModel(request.getModel());
        for (long version : monitor.versions(request.getModel(), request.getVersion())) {
            monitor.current(request.getModel(), version)
                    .ifPresent(window -> drift.addWindows(toProto(window)));
            List<WindowDrift> history = monitor.history(request.getModel(), version);
            int limit = request.getHistoryLimit() == 0 ? history.size()
                    : Math.min(request.getHistoryLimit(), history.size());
            for (int i = history.size() - 1; i >= history.size() - limit; i--) {
                drift.addWindows(toProto(history.get(i)));
            }
        }
        return drift.build();
    }

    static RetrainingDecisions decisions(RetrainingTrigger trigger, String model) {
        RetrainingDecisions.Builder decisions = RetrainingDecisions.newBuilder()
                .setEnabled(trigger.enabled());
        for (RetrainingDecision decision : trigger.decisions(model)) {
            decisions.addDecisions(io.mlmesh.monitor.v1.RetrainingDecision.newBuilder()
                    .setModel(decision.model())
                    .setVersion(decision.version())
                    .setReason(decision.reason())
                    .putAllFigures(decision.figures())
                    .setJobId(decision.jobId())
                    .setError(decision.error())
                    .setDecidedAt(timestamp(decision.decidedAt())));
        }
        return decisions.build();
    }

    private static DriftWindow toProto(WindowDrift window) {
        DriftWindow.Builder builder = DriftWindow.newBuilder()
                .setModel(window.model())
                .setVersion(window.version())
                .setOpen(window.open())
                .setFirstPredictionAt(timestamp(window.firstPredictionAt()))
                .setLastPredictionAt(timestamp(window.lastPredictionAt()))
                .setRowCount(window.rowCount())
                .setReferenceAvailable(window.report().isPresent())
                .setReferenceNote(window.referenceNote())
                .setReferenceRows(window.referenceRows())
                .setVerdict(DriftVerdict.DRIFT_VERDICT_INSUFFICIENT_DATA);
        if (window.closedAt() != null) {
            builder.setClosedAt(timestamp(window.closedAt()));
        }
        window.report().ifPresent(report -> addReport(builder, report));
        window.prediction().ifPresent(prediction -> builder.setPrediction(
                DriftProto.toProto(prediction)));
        return builder.build();
    }

    private static void addReport(DriftWindow.Builder builder, DriftReport report) {
        builder.setVerdict(DriftVerdict.valueOf("DRIFT_VERDICT_" + report.verdict().name()))
                .setDatasetDrift(report.datasetDrift())
                .setTestedCount(report.testedCount())
                .setDriftedCount(report.driftedCount())
                .setDriftedShare(report.driftedShare())
                .setDriftShareThreshold(report.datasetDriftShare());
        report.features().forEach(feature -> builder.addColumns(DriftProto.toProto(feature)));
    }

    private static Timestamp timestamp(Instant instant) {
        return Timestamp.newBuilder().setSeconds(instant.getEpochSecond())
                .setNanos(instant.getNano()).build();
    }
}
