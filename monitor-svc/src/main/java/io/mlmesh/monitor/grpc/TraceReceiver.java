package io.mlmesh.monitor.grpc;

import io.grpc.stub.StreamObserver;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.mlmesh.monitor.dashboard.TrafficRecorder;
import io.mlmesh.monitor.slo.ObjectiveMonitor;
import io.mlmesh.monitor.store.TraceStore;
import io.opentelemetry.proto.collector.trace.v1.ExportTracePartialSuccess;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.opentelemetry.proto.collector.trace.v1.TraceServiceGrpc;
import io.quarkus.grpc.GrpcService;
import io.smallrye.common.annotation.Blocking;
import org.jboss.logging.Logger;

/**
 * The standard OTLP/gRPC trace receiver ({@code opentelemetry.proto.collector.trace.v1
 * .TraceService/Export}) on the service port, where every mlmesh service's OpenTelemetry
 * exporter sends its spans. Spans with malformed ids are left out and reported back through
 * OTLP's partial success, so an exporter does not retry a request that can never fully succeed.
 * Accepted spans also feed the windows of the service-level objectives and the dashboard's
 * per-interval traffic.
 *
 * <p>Exports may arrive concurrently from any number of exporters; {@link TraceStore} is
 * thread-safe. Runs on worker threads so that waiting for the store's lock never blocks the
 * event loop.
 */
@GrpcService
public final class TraceReceiver extends TraceServiceGrpc.TraceServiceImplBase {

    private static final Logger LOG = Logger.getLogger(TraceReceiver.class);

    private final TraceStore store;
    private final ObjectiveMonitor objectives;
    private final TrafficRecorder traffic;
    private final Counter rejectedSpans;

    TraceReceiver(TraceStore store, ObjectiveMonitor objectives, TrafficRecorder traffic,
            MeterRegistry registry) {
        this.store = store;
        this.objectives = objectives;
        this.traffic = traffic;
        this.rejectedSpans = Counter.builder("mlmesh.monitor.spans.rejected")
                .description("OTLP spans left out for malformed trace or span ids")
                .register(registry);
    }

    @Override
    @Blocking
    public void export(
            ExportTraceServiceRequest request,
            StreamObserver<ExportTraceServiceResponse> responseObserver) {
        DecodedExport decoded;
        try {
            decoded = OtlpSpanDecoder.decode(request);
            store.addAll(decoded.spansByTraceId());
            objectives.record(decoded.spansByTraceId());
            traffic.record(decoded.spansByTraceId());
        } catch (RuntimeException e) {
            responseObserver.onError(StatusMapping.toStatus("TraceService/Export", e));
            return;
        }

        responseObserver.onNext(response(decoded));
        responseObserver.onCompleted();
    }

    private ExportTraceServiceResponse response(DecodedExport decoded) {
        if (decoded.rejectedSpanCount() == 0) {
            return ExportTraceServiceResponse.getDefaultInstance();
        }

        rejectedSpans.increment(decoded.rejectedSpanCount());
        LOG.warnf("spans rejected rejected=%d accepted=%d reason=\"%s\"",
                decoded.rejectedSpanCount(), decoded.acceptedSpanCount(),
                decoded.rejectionReason());
        ExportTracePartialSuccess partialSuccess = ExportTracePartialSuccess.newBuilder()
                .setRejectedSpans(decoded.rejectedSpanCount())
                .setErrorMessage(decoded.rejectionReason())
                .build();
        return ExportTraceServiceResponse.newBuilder().setPartialSuccess(partialSuccess).build();
    }
}
