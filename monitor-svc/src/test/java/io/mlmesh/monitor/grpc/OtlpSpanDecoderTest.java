package io.mlmesh.monitor.grpc;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.protobuf.ByteString;
import io.mlmesh.monitor.store.Operation;
import io.mlmesh.monitor.store.ReceivedSpan;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.proto.trace.v1.Status;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

class OtlpSpanDecoderTest {

    private static final String TRACE_ID = "0af7651916cd43dd8448eb211c80319c";
    private static final String SPAN_ID = "b7ad6b7169203331";
    private static final String PARENT_ID = "00f067aa0ba902b7";

    @Test
    void decode_validSpan_keepsIdsTimesAndStatus() {
        Span span = span("Checkout/Pay", TRACE_ID, SPAN_ID).toBuilder()
                .setParentSpanId(bytes(PARENT_ID))
                .setStatus(Status.newBuilder().setCode(Status.StatusCode.STATUS_CODE_ERROR))
                .build();

        DecodedExport decoded = OtlpSpanDecoder.decode(request(resource("checkout"), span));

        ReceivedSpan received = decoded.spansByTraceId().get(TRACE_ID).get(0);
        assertEquals(new Operation("checkout", "Checkout/Pay"), received.operation());
        assertEquals(SPAN_ID, TraceIds.spanIdHex(received.spanId()));
        assertEquals(PARENT_ID, TraceIds.spanIdHex(received.parentSpanId()));
        assertEquals(1_700_000_000_000_000_000L, received.startEpochNanos());
        assertEquals(1_500, received.durationMicros());
        assertEquals(true, received.error());
        assertEquals(0, decoded.rejectedSpanCount());
    }

    @Test
    void decode_noServiceName_usesUnknownService() {
        Span span = span("GET /", TRACE_ID, SPAN_ID);

        DecodedExport decoded =
                OtlpSpanDecoder.decode(request(Resource.getDefaultInstance(), span));

        ReceivedSpan received = decoded.spansByTraceId().get(TRACE_ID).get(0);
        assertEquals(OtlpSpanDecoder.UNKNOWN_SERVICE, received.operation().service());
        assertEquals(false, received.error());
        assertEquals(0, received.parentSpanId());
    }

    @Test
    void decode_endBeforeStart_durationZero() {
        Span span = span("Clock/Skew", TRACE_ID, SPAN_ID).toBuilder()
                .setEndTimeUnixNano(1_000)
                .build();

        DecodedExport decoded = OtlpSpanDecoder.decode(request(resource("checkout"), span));

        assertEquals(0, decoded.spansByTraceId().get(TRACE_ID).get(0).durationMicros());
    }

    @Test
    void decode_malformedIds_rejectsThoseAndKeepsTheRest() {
        Span shortTraceId = span("Bad/Trace", "0af765", SPAN_ID);
        Span zeroSpanId = span("Bad/Span", TRACE_ID, "0000000000000000");
        Span good = span("Good/Call", TRACE_ID, SPAN_ID);

        DecodedExport decoded = OtlpSpanDecoder.decode(
                request(resource("checkout"), shortTraceId, zeroSpanId, good));

        assertEquals(2, decoded.rejectedSpanCount());
        assertEquals("span Bad/Trace: trace_id must be 16 bytes, not all zero, got 3 bytes",
                decoded.rejectionReason());
        assertEquals(List.of(TRACE_ID), List.copyOf(decoded.spansByTraceId().keySet()));
        assertEquals(1, decoded.acceptedSpanCount());
    }

    private static Span span(String name, String traceIdHex, String spanIdHex) {
        return Span.newBuilder()
                .setName(name)
                .setTraceId(bytes(traceIdHex))
                .setSpanId(bytes(spanIdHex))
                .setStartTimeUnixNano(1_700_000_000_000_000_000L)
                .setEndTimeUnixNano(1_700_000_000_001_500_000L)
                .build();
    }

    private static Resource resource(String serviceName) {
        return Resource.newBuilder()
                .addAttributes(KeyValue.newBuilder()
                        .setKey("service.name")
                        .setValue(AnyValue.newBuilder().setStringValue(serviceName)))
                .build();
    }

    private static ExportTraceServiceRequest request(Resource resource, Span... spans) {
        return ExportTraceServiceRequest.newBuilder()
                .addResourceSpans(ResourceSpans.newBuilder()
                        .setResource(resource)
                        .addScopeSpans(ScopeSpans.newBuilder().addAllSpans(List.of(spans))))
                .build();
    }

    private static ByteString bytes(String hex) {
        return ByteString.copyFrom(HexFormat.of().parseHex(hex));
    }
}
