package io.mlmesh.monitor.grpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.mlmesh.monitor.v1.GetTraceRequest;
import io.mlmesh.monitor.v1.GetTraceSummaryRequest;
import io.mlmesh.monitor.v1.MonitorGrpc;
import io.mlmesh.monitor.v1.OperationSummary;
import io.mlmesh.monitor.v1.ServiceSummary;
import io.mlmesh.monitor.v1.Trace;
import io.mlmesh.monitor.v1.TraceSummary;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Context;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.opentelemetry.proto.collector.trace.v1.TraceServiceGrpc;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.ReadableSpan;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URL;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Sends real spans through the OpenTelemetry SDK's OTLP/gRPC exporter to the running service,
 * as the other mlmesh services do, then reads them back through the Monitor API. Every test
 * uses service names of its own, so tests sharing the instance do not see each other's spans.
 */
@QuarkusTest
class MonitorServiceTest {

    private static final String PAY = "mlmesh.checkout.v1.Checkout/Pay";
    private static final String WRITE = "mlmesh.ledger.v1.Ledger/Write";
    private static final long BASE_EPOCH_NANOS = 1_700_000_000_000_000_000L;

    @TestHTTPResource("/")
    URL serviceUrl;

    private ManagedChannel channel;
    private MonitorGrpc.MonitorBlockingStub monitor;
    private String servicePrefix;

    @BeforeEach
    void openChannel() {
        channel = ManagedChannelBuilder.forAddress("localhost", serviceUrl.getPort())
                .usePlaintext()
                .build();
        monitor = MonitorGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS);
        servicePrefix = "fake-" + UUID.randomUUID().toString().substring(0, 8);
    }

    @AfterEach
    void closeChannel() throws InterruptedException {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }

    @Test
    void export_realSpansFromTwoServices_summarizedPerServiceAndOperation() {
        long tracesBefore = summary("").getTraceCount();
        SdkTracerProvider checkout = tracerProvider(servicePrefix + "-checkout");
        SdkTracerProvider ledger = tracerProvider(servicePrefix + "-ledger");
        List<SpanData> checkoutSpans = new ArrayList<>();
        List<SpanData> ledgerSpans = new ArrayList<>();
        for (int i = 1; i <= 100; i++) {
            long startNanos = BASE_EPOCH_NANOS + TimeUnit.SECONDS.toNanos(i);
            Span pay = startSpan(checkout, PAY, Context.root(), startNanos);
            Span write = startSpan(ledger, WRITE, Context.root().with(pay), startNanos);
            ledgerSpans.add(endSpan(write, startNanos, 200 + i, i % 50 == 0));
            checkoutSpans.add(endSpan(pay, startNanos, i * 1_000L, i % 20 == 0));
        }

        export(checkoutSpans);
        export(ledgerSpans);
        TraceSummary summary = summary(servicePrefix);

        assertEquals(200, summary.getSpanCount());
        assertEquals(100, summary.getTraceCount() - tracesBefore);
        assertEquals(List.of(service("-checkout", 100, 5), service("-ledger", 100, 2)),
                summary.getServicesList());
        assertEquals(2, summary.getOperationsCount());
        assertOperation(summary.getOperations(0), "-checkout", PAY, 5, 50_000, 99_000, 100_000);
        assertOperation(summary.getOperations(1), "-ledger", WRITE, 2, 250, 299, 300);
    }

    @Test
    void getTrace_exportedTrace_returnsSpansFromBothServices() {
        long writeStartNanos = BASE_EPOCH_NANOS + 300_000;
        Span pay = startSpan(
                tracerProvider(servicePrefix + "-checkout"), PAY, Context.root(), BASE_EPOCH_NANOS);
        Span write = startSpan(tracerProvider(servicePrefix + "-ledger"), WRITE,
                Context.root().with(pay), writeStartNanos);
        SpanData written = endSpan(write, writeStartNanos, 700, true);
        SpanData paid = endSpan(pay, BASE_EPOCH_NANOS, 1_500, false);
        export(List.of(written, paid));

        Trace trace = monitor.getTrace(GetTraceRequest.newBuilder()
                .setTraceId(paid.getTraceId().toUpperCase()).build());

        assertEquals(paid.getTraceId(), trace.getTraceId());
        assertEquals(2, trace.getSpansCount());
        var root = trace.getSpans(0);
        var child = trace.getSpans(1);
        assertEquals(servicePrefix + "-checkout", root.getService());
        assertEquals(PAY, root.getName());
        assertEquals(paid.getSpanId(), root.getSpanId());
        assertEquals("", root.getParentSpanId());
        assertEquals(1_500, root.getDurationMicros());
        assertEquals(false, root.getError());
        assertEquals(BASE_EPOCH_NANOS / 1_000_000_000L, root.getStart().getSeconds());
        assertEquals(servicePrefix + "-ledger", child.getService());
        assertEquals(paid.getSpanId(), child.getParentSpanId());
        assertEquals(700, child.getDurationMicros());
        assertEquals(300_000, child.getStart().getNanos());
        assertEquals(true, child.getError());
    }

    @Test
    void getTrace_unknownTraceId_notFoundNamingId() {
        String unknown = "4bf92f3577b34da6a3ce929d0e0e4736";

        StatusRuntimeException e = assertThrows(StatusRuntimeException.class,
                () -> monitor.getTrace(GetTraceRequest.newBuilder().setTraceId(unknown).build()));

        assertEquals(Status.Code.NOT_FOUND, e.getStatus().getCode());
        assertEquals("trace_id " + unknown + " not found (never received, or evicted as one of"
                + " the oldest)", e.getStatus().getDescription());
    }

    @Test
    void getTrace_malformedTraceId_invalidArgumentAndServiceKeepsServing() {
        String nonHex = "zz" + "0".repeat(30);

        StatusRuntimeException tooShort = getTraceFailure("abc");
        StatusRuntimeException empty = getTraceFailure("");
        StatusRuntimeException notHex = getTraceFailure(nonHex);

        assertEquals(Status.Code.INVALID_ARGUMENT, tooShort.getStatus().getCode());
        assertEquals("trace_id must be 32 hex digits, got 3 characters",
                tooShort.getStatus().getDescription());
        assertEquals(Status.Code.INVALID_ARGUMENT, empty.getStatus().getCode());
        assertEquals("trace_id must be 32 hex digits, got 0 characters",
                empty.getStatus().getDescription());
        assertEquals(Status.Code.INVALID_ARGUMENT, notHex.getStatus().getCode());
        assertEquals("trace_id must be 32 hex digits, got '" + nonHex + "'",
                notHex.getStatus().getDescription());
        assertTrue(summary("").getTraceCount() >= 0);
    }

    @Test
    void export_spanWithMalformedSpanId_partialSuccessAndKeepsValidSpans() {
        String traceId = UUID.randomUUID().toString().replace("-", "");
        var valid = io.opentelemetry.proto.trace.v1.Span.newBuilder()
                .setName(PAY)
                .setTraceId(hexBytes(traceId))
                .setSpanId(hexBytes("b7ad6b7169203331"))
                .setStartTimeUnixNano(BASE_EPOCH_NANOS)
                .setEndTimeUnixNano(BASE_EPOCH_NANOS + 2_000_000)
                .build();
        var noSpanId = valid.toBuilder().setName(WRITE).setSpanId(ByteString.EMPTY).build();
        ExportTraceServiceRequest request = ExportTraceServiceRequest.newBuilder()
                .addResourceSpans(ResourceSpans.newBuilder()
                        .addScopeSpans(ScopeSpans.newBuilder().addSpans(valid).addSpans(noSpanId)))
                .build();

        ExportTraceServiceResponse response = TraceServiceGrpc.newBlockingStub(channel)
                .withDeadlineAfter(10, TimeUnit.SECONDS)
                .export(request);

        assertEquals(1, response.getPartialSuccess().getRejectedSpans());
        assertEquals("span " + WRITE + ": span_id must be 8 bytes, not all zero, got 0 bytes",
                response.getPartialSuccess().getErrorMessage());
        Trace trace = monitor.getTrace(GetTraceRequest.newBuilder().setTraceId(traceId).build());
        assertEquals(1, trace.getSpansCount());
        assertEquals(OtlpSpanDecoder.UNKNOWN_SERVICE, trace.getSpans(0).getService());
        assertEquals(2_000, trace.getSpans(0).getDurationMicros());
    }

    private TraceSummary summary(String prefix) {
        return monitor.getTraceSummary(
                GetTraceSummaryRequest.newBuilder().setServicePrefix(prefix).build());
    }

    private StatusRuntimeException getTraceFailure(String traceId) {
        GetTraceRequest request = GetTraceRequest.newBuilder().setTraceId(traceId).build();
        return assertThrows(StatusRuntimeException.class, () -> monitor.getTrace(request));
    }

    private void export(List<SpanData> spans) {
        SpanExports.export(serviceUrl.getPort(), spans);
    }

    static SdkTracerProvider tracerProvider(String serviceName) {
        Resource resource = Resource.create(
                Attributes.of(AttributeKey.stringKey("service.name"), serviceName));
        return SdkTracerProvider.builder().setResource(resource).build();
    }

    static Span startSpan(
            SdkTracerProvider provider, String name, Context parent, long startEpochNanos) {
        return provider.get("mlmesh-test")
                .spanBuilder(name)
                .setParent(parent)
                .setStartTimestamp(startEpochNanos, TimeUnit.NANOSECONDS)
                .startSpan();
    }

    static SpanData endSpan(
            Span span, long startEpochNanos, long durationMicros, boolean error) {
        if (error) {
            span.setStatus(StatusCode.ERROR, "failed on purpose");
        }
        span.end(startEpochNanos + TimeUnit.MICROSECONDS.toNanos(durationMicros),
                TimeUnit.NANOSECONDS);
        return ((ReadableSpan) span).toSpanData();
    }

    private ServiceSummary service(String suffix, long spanCount, long errorCount) {
        return ServiceSummary.newBuilder()
                .setService(servicePrefix + suffix)
                .setSpanCount(spanCount)
                .setErrorCount(errorCount)
                .build();
    }

    private void assertOperation(OperationSummary operation, String serviceSuffix, String name,
            long errorCount, long p50Micros, long p99Micros, long maxMicros) {
        assertEquals(servicePrefix + serviceSuffix, operation.getService());
        assertEquals(name, operation.getOperation());
        assertEquals(100, operation.getCount());
        assertEquals(errorCount, operation.getErrorCount());
        assertEquals(p50Micros, operation.getP50Micros(), p50Micros / 1_000.0);
        assertEquals(p99Micros, operation.getP99Micros(), p99Micros / 1_000.0);
        assertEquals(maxMicros, operation.getMaxMicros());
    }

    private static ByteString hexBytes(String hex) {
        return ByteString.copyFrom(HexFormat.of().parseHex(hex));
    }
}
