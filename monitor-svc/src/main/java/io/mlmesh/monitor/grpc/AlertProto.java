package io.mlmesh.monitor.grpc;

import com.google.protobuf.Timestamp;
import io.mlmesh.monitor.slo.Alert;
import io.mlmesh.monitor.slo.Objective;
import io.mlmesh.monitor.slo.ObjectiveMonitor;
import io.mlmesh.monitor.v1.Alerts;
import io.mlmesh.monitor.v1.ListAlertsRequest;
import io.mlmesh.monitor.v1.ServiceLevelObjective;
import java.time.Instant;

/** Turns objectives and alerts into their {@code mlmesh.monitor.v1} messages. */
final class AlertProto {

    static final int DEFAULT_RESOLVED_LIMIT = 20;

    private AlertProto() {
    }

    /** The answer of ListAlerts; a negative {@code resolved_limit} is INVALID_ARGUMENT. */
    static Alerts alerts(ObjectiveMonitor monitor, ListAlertsRequest request) {
        int limit = request.getResolvedLimit();
        if (limit < 0) {
            throw new IllegalArgumentException("resolved_limit must be 0 (default "
                    + DEFAULT_RESOLVED_LIMIT + ") or positive, got " + limit);
        }

        Alerts.Builder builder = Alerts.newBuilder();
        monitor.openAlerts().forEach(alert -> builder.addOpen(toProto(alert)));
        monitor.resolvedAlerts(limit == 0 ? DEFAULT_RESOLVED_LIMIT : limit)
                .forEach(alert -> builder.addResolved(toProto(alert)));
        monitor.objectives().forEach(objective -> builder.addObjectives(toProto(objective)));
        return builder.build();
    }

    private static io.mlmesh.monitor.v1.Alert toProto(Alert alert) {
        io.mlmesh.monitor.v1.Alert.Builder builder = io.mlmesh.monitor.v1.Alert.newBuilder()
                .setObjective(toProto(alert.objective()))
                .setObservedP99Millis(alert.observed().p99Millis())
                .setObservedErrorRate(alert.observed().errorRate())
                .setObservedCalls(alert.observed().callCount())
                .setReason(alert.reason())
                .setSince(timestamp(alert.since()));
        alert.resolvedAt().ifPresent(at -> builder.setResolvedAt(timestamp(at)));
        return builder.build();
    }

    private static ServiceLevelObjective toProto(Objective objective) {
        return ServiceLevelObjective.newBuilder()
                .setName(objective.name())
                .setService(objective.operation().service())
                .setOperation(objective.operation().name())
                .setP99Millis(objective.p99Millis())
                .setErrorRate(objective.errorRate())
                .setWindowSeconds(objective.window().toSeconds())
                .setMinCalls(objective.minCalls())
                .build();
    }

    private static Timestamp timestamp(Instant instant) {
        return Timestamp.newBuilder().setSeconds(instant.getEpochSecond())
                .setNanos(instant.getNano()).build();
    }
}
