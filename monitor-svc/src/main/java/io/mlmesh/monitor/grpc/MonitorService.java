package io.mlmesh.monitor.grpc;

import com.google.protobuf.Timestamp;
import io.grpc.stub.StreamObserver;
import io.mlmesh.monitor.drift.DatasetComparer;
import io.mlmesh.monitor.feedback.FeedbackLoop;
import io.mlmesh.monitor.feedback.JoinedRow;
import io.mlmesh.monitor.feedback.OutcomeResult;
import io.mlmesh.monitor.served.RetrainingTrigger;
import io.mlmesh.monitor.served.ServedDriftMonitor;
import io.mlmesh.monitor.slo.ObjectiveMonitor;
import io.mlmesh.monitor.store.OperationLatency;
import io.mlmesh.monitor.store.ReceivedSpan;
import io.mlmesh.monitor.store.ServiceTotals;
import io.mlmesh.monitor.store.Summary;
import io.mlmesh.monitor.store.TraceStore;
import io.mlmesh.monitor.v1.Alerts;
import io.mlmesh.monitor.v1.CompareDatasetsRequest;
import io.mlmesh.monitor.v1.DatasetDrift;
import io.mlmesh.monitor.v1.ExportOutcomesRequest;
import io.mlmesh.monitor.v1.GetLiveQualityRequest;
import io.mlmesh.monitor.v1.GetServedDriftRequest;
import io.mlmesh.monitor.v1.GetTraceRequest;
import io.mlmesh.monitor.v1.GetTraceSummaryRequest;
import io.mlmesh.monitor.v1.LabelledPrediction;
import io.mlmesh.monitor.v1.ListAlertsRequest;
import io.mlmesh.monitor.v1.ListRetrainingDecisionsRequest;
import io.mlmesh.monitor.v1.LiveQuality;
import io.mlmesh.monitor.v1.MonitorGrpc;
import io.mlmesh.monitor.v1.OperationSummary;
import io.mlmesh.monitor.v1.RecordOutcomeRequest;
import io.mlmesh.monitor.v1.RecordOutcomeResponse;
import io.mlmesh.monitor.v1.RetrainingDecisions;
import io.mlmesh.monitor.v1.ServedDrift;
import io.mlmesh.monitor.v1.ServiceSummary;
import io.mlmesh.monitor.v1.Span;
import io.mlmesh.monitor.v1.Trace;
import io.mlmesh.monitor.v1.TraceSummary;
import io.quarkus.grpc.GrpcService;
import io.smallrye.common.annotation.Blocking;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * {@code mlmesh.monitor.v1.Monitor}: what the received traces say, read from {@link TraceStore},
 * whether data drifted ({@link DatasetComparer}), how served predictions fare against
 * their outcomes ({@link FeedbackLoop}), which service-level objectives are broken
 * ({@link ObjectiveMonitor}), and how served traffic drifts ({@link ServedDriftMonitor}) with
 * the retraining it caused ({@link RetrainingTrigger}). Runs on worker threads: a summary
 * computes percentiles for every operation under the store's lock, a comparison streams two
 * training sets from the feature store, the feedback calls wait for Redis.
 */
@GrpcService
public final class MonitorService extends MonitorGrpc.MonitorImplBase {

    private static final long NANOS_PER_SECOND = TimeUnit.SECONDS.toNanos(1);

    private final TraceStore store;
    private final DatasetComparer comparer;
    private final FeedbackLoop feedback;
    private final ObjectiveMonitor objectives;
    private final ServedDriftMonitor servedDrift;
    private final RetrainingTrigger retraining;

    MonitorService(TraceStore store, DatasetComparer comparer, FeedbackLoop feedback,
            ObjectiveMonitor objectives, ServedDriftMonitor servedDrift,
            RetrainingTrigger retraining) {
        this.store = store;
        this.comparer = comparer;
        this.feedback = feedback;
        this.objectives = objectives;
        this.servedDrift = servedDrift;
        this.retraining = retraining;
    }

    @Override
    @Blocking
    public void getTraceSummary(
            GetTraceSummaryRequest request, StreamObserver<TraceSummary> responseObserver) {
        TraceSummary summary;
        try {
            summary = toProto(store.summarize(request.getServicePrefix()));
        } catch (RuntimeException e) {
            responseObserver.onError(StatusMapping.toStatus("Monitor/GetTraceSummary", e));
            return;
        }

        responseObserver.onNext(summary);
        responseObserver.onCompleted();
    }

    @Override
    @Blocking
    public void getTrace(GetTraceRequest request, StreamObserver<Trace> responseObserver) {
        Trace trace;
        try {
            String traceId = TraceIds.requireValid(request.getTraceId());
            trace = toProto(traceId, store.trace(traceId));
        } catch (RuntimeException e) {
            responseObserver.onError(StatusMapping.toStatus("Monitor/GetTrace", e));
            return;
        }

        responseObserver.onNext(trace);
        responseObserver.onCompleted();
    }

    @Override
    @Blocking
    public void compareDatasets(CompareDatasetsRequest request,
            StreamObserver<DatasetDrift> responseObserver) {
        DatasetDrift drift;
        try {
            drift = DriftProto.toProto(comparer.compare(request));
        } catch (RuntimeException e) {
            responseObserver.onError(StatusMapping.toStatus("Monitor/CompareDatasets", e));
            return;
        }

        responseObserver.onNext(drift);
        responseObserver.onCompleted();
    }

    @Override
    @Blocking
    public void recordOutcome(RecordOutcomeRequest request,
            StreamObserver<RecordOutcomeResponse> responseObserver) {
        RecordOutcomeResponse response;
        try {
            OutcomeResult result = feedback.recordOutcome(request);
            response = RecordOutcomeResponse.newBuilder()
                    .setRequestId(request.getRequestId())
                    .setJoined(result.joined())
                    .setDuplicate(result.duplicate())
                    .build();
        } catch (RuntimeException e) {
            responseObserver.onError(StatusMapping.toStatus("Monitor/RecordOutcome", e));
            return;
        }

        responseObserver.onNext(response);
        responseObserver.onCompleted();
    }

    @Override
    @Blocking
    public void getLiveQuality(GetLiveQualityRequest request,
            StreamObserver<LiveQuality> responseObserver) {
        LiveQuality quality;
        try {
            quality = FeedbackProto.toProto(
                    feedback.liveQuality(request.getModel(), request.getVersion()));
        } catch (RuntimeException e) {
            responseObserver.onError(StatusMapping.toStatus("Monitor/GetLiveQuality", e));
            return;
        }

        responseObserver.onNext(quality);
        responseObserver.onCompleted();
    }

    @Override
    @Blocking
    public void exportOutcomes(ExportOutcomesRequest request,
            StreamObserver<LabelledPrediction> responseObserver) {
        List<JoinedRow> rows;
        try {
            rows = feedback.export(request.getModel(), request.getVersion());
        } catch (RuntimeException e) {
            responseObserver.onError(StatusMapping.toStatus("Monitor/ExportOutcomes", e));
            return;
        }

        for (JoinedRow row : rows) {
            responseObserver.onNext(FeedbackProto.toProto(row));
        }
        responseObserver.onCompleted();
    }

    @Override
    @Blocking
    public void listAlerts(ListAlertsRequest request, StreamObserver<Alerts> responseObserver) {
        Alerts alerts;
        try {
            alerts = AlertProto.alerts(objectives, request);
        } catch (RuntimeException e) {
            responseObserver.onError(StatusMapping.toStatus("Monitor/ListAlerts", e));
            return;
        }

        responseObserver.onNext(alerts);
        responseObserver.onCompleted();
    }

    @Override
    @Blocking
    public void getServedDrift(GetServedDriftRequest request,
            StreamObserver<ServedDrift> responseObserver) {
        ServedDrift drift;
        try {
            drift = ServedDriftProto.servedDrift(servedDrift, request);
        } catch (RuntimeException e) {
            responseObserver.onError(StatusMapping.toStatus("Monitor/GetServedDrift", e));
            return;
        }

        responseObserver.onNext(drift);
        responseObserver.onCompleted();
    }

    @Override
    @Blocking
    public void listRetrainingDecisions(ListRetrainingDecisionsRequest request,
            StreamObserver<RetrainingDecisions> responseObserver) {
        responseObserver.onNext(ServedDriftProto.decisions(retraining, request.getModel()));
        responseObserver.onCompleted();
    }

    private static TraceSummary toProto(Summary summary) {
        TraceSummary.Builder builder = TraceSummary.newBuilder()
                .setSpanCount(summary.spanCount())
                .setTraceCount(summary.traceCount());
        for (ServiceTotals totals : summary.services()) {
            builder.addServices(ServiceSummary.newBuilder()
                    .setService(totals.service())
                    .setSpanCount(totals.spanCount())
                    .setErrorCount(totals.errorCount()));
        }
        for (OperationLatency latency : summary.operations()) {
            builder.addOperations(toProto(latency));
        }
        return builder.build();
    }

    private static OperationSummary toProto(OperationLatency latency) {
        return OperationSummary.newBuilder()
                .setService(latency.operation().service())
                .setOperation(latency.operation().name())
                .setCount(latency.count())
                .setErrorCount(latency.errorCount())
                .setP50Micros(latency.p50Micros())
                .setP99Micros(latency.p99Micros())
                .setMaxMicros(latency.maxMicros())
                .setSlowestTraceId(latency.slowestTraceId())
                .build();
    }

    private static Trace toProto(String traceId, List<ReceivedSpan> spans) {
        Trace.Builder builder = Trace.newBuilder().setTraceId(traceId);
        for (ReceivedSpan span : spans) {
            builder.addSpans(Span.newBuilder()
                    .setService(span.operation().service())
                    .setName(span.operation().name())
                    .setSpanId(TraceIds.spanIdHex(span.spanId()))
                    .setParentSpanId(TraceIds.spanIdHex(span.parentSpanId()))
                    .setStart(timestamp(span.startEpochNanos()))
                    .setDurationMicros(span.durationMicros())
                    .setError(span.error()));
        }
        return builder.build();
    }

    private static Timestamp timestamp(long epochNanos) {
        return Timestamp.newBuilder()
                .setSeconds(Math.floorDiv(epochNanos, NANOS_PER_SECOND))
                .setNanos((int) Math.floorMod(epochNanos, NANOS_PER_SECOND))
                .build();
    }
}
