package io.mlmesh.monitor.grpc;

import io.mlmesh.monitor.store.ReceivedSpan;
import java.util.List;
import java.util.Map;

/**
 * The usable spans of one OTLP export request and what was wrong with the others.
 *
 * @param spansByTraceId valid spans keyed by trace id (32 lowercase hex digits), in arrival order
 * @param rejectedSpanCount spans left out for malformed ids
 * @param rejectionReason why the first rejected span was left out; empty when none was
 */
record DecodedExport(
        Map<String, List<ReceivedSpan>> spansByTraceId,
        int rejectedSpanCount,
        String rejectionReason) {

    int acceptedSpanCount() {
        return spansByTraceId.values().stream().mapToInt(List::size).sum();
    }
}
