package io.mlmesh.monitor.grpc;

import com.google.protobuf.ByteString;
import io.mlmesh.monitor.store.Operation;
import io.mlmesh.monitor.store.ReceivedSpan;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.proto.trace.v1.Status;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Turns an OTLP export request into {@link ReceivedSpan}s. A span whose trace or span id is not
 * of W3C length, or is all zeros, cannot be placed in a trace: it is rejected and counted, as
 * OTLP's partial success expects, while the rest of the request is kept.
 */
final class OtlpSpanDecoder {

    /** What OpenTelemetry SDKs report when no service name is configured. */
    static final String UNKNOWN_SERVICE = "unknown_service";

    private static final String SERVICE_NAME_KEY = "service.name";
    private static final int TRACE_ID_BYTES = 16;
    private static final int SPAN_ID_BYTES = 8;

    private OtlpSpanDecoder() {
    }

    static DecodedExport decode(ExportTraceServiceRequest request) {
        Map<String, List<ReceivedSpan>> spansByTraceId = new LinkedHashMap<>();
        int rejectedSpanCount = 0;
        String rejectionReason = "";
        for (ResourceSpans resourceSpans : request.getResourceSpansList()) {
            String service = serviceName(resourceSpans.getResource());
            for (ScopeSpans scopeSpans : resourceSpans.getScopeSpansList()) {
                for (Span otlpSpan : scopeSpans.getSpansList()) {
                    String problem = idProblem(otlpSpan);
                    if (!problem.isEmpty()) {
                        rejectedSpanCount++;
                        rejectionReason = rejectionReason.isEmpty() ? problem : rejectionReason;
                        continue;
                    }
                    String traceId = TraceIds.traceIdHex(otlpSpan.getTraceId().toByteArray());
                    spansByTraceId.computeIfAbsent(traceId, id -> new ArrayList<>())
                            .add(toSpan(service, otlpSpan));
                }
            }
        }

        return new DecodedExport(spansByTraceId, rejectedSpanCount, rejectionReason);
    }

    private static String serviceName(Resource resource) {
        for (KeyValue attribute : resource.getAttributesList()) {
            if (attribute.getKey().equals(SERVICE_NAME_KEY)
                    && !attribute.getValue().getStringValue().isEmpty()) {
                return attribute.getValue().getStringValue();
            }
        }

        return UNKNOWN_SERVICE;
    }

    private static String idProblem(Span span) {
        if (!isValidId(span.getTraceId(), TRACE_ID_BYTES)) {
            return "span " + span.getName() + ": trace_id must be 16 bytes, not all zero, got "
                    + span.getTraceId().size() + " bytes";
        }
        if (!isValidId(span.getSpanId(), SPAN_ID_BYTES)) {
            return "span " + span.getName() + ": span_id must be 8 bytes, not all zero, got "
                    + span.getSpanId().size() + " bytes";
        }
        if (!span.getParentSpanId().isEmpty() && span.getParentSpanId().size() != SPAN_ID_BYTES) {
            return "span " + span.getName() + ": parent_span_id must be empty or 8 bytes, got "
                    + span.getParentSpanId().size() + " bytes";
        }

        return "";
    }

    private static boolean isValidId(ByteString id, int expectedBytes) {
        if (id.size() != expectedBytes) {
            return false;
        }

        for (int i = 0; i < expectedBytes; i++) {
            if (id.byteAt(i) != 0) {
                return true;
            }
        }
        return false;
    }

    private static ReceivedSpan toSpan(String service, Span span) {
        long durationNanos = span.getEndTimeUnixNano() - span.getStartTimeUnixNano();
        return new ReceivedSpan(
                new Operation(service, span.getName()),
                toLong(span.getSpanId()),
                span.getParentSpanId().isEmpty() ? 0 : toLong(span.getParentSpanId()),
                span.getStartTimeUnixNano(),
                TimeUnit.NANOSECONDS.toMicros(Math.max(0, durationNanos)),
                span.getStatus().getCode() == Status.StatusCode.STATUS_CODE_ERROR);
    }

    private static long toLong(ByteString spanId) {
        return spanId.asReadOnlyByteBuffer().getLong();
    }
}
