package io.mlmesh.monitor.grpc;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.opentelemetry.exporter.otlp.trace.OtlpGrpcSpanExporter;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Sends spans to the monitor under test the way every service does: OTLP/gRPC, standard SDK. */
public final class SpanExports {

    private SpanExports() {
    }

    /** Exports {@code spans} to the monitor on {@code port} and asserts the export succeeded. */
    public static void export(int port, List<SpanData> spans) {
        OtlpGrpcSpanExporter exporter = OtlpGrpcSpanExporter.builder()
                .setEndpoint("http://localhost:" + port)
                .setTimeout(10, TimeUnit.SECONDS)
                .build();
        try {
            CompletableResultCode result = exporter.export(spans).join(15, TimeUnit.SECONDS);
            assertTrue(result.isSuccess(), "OTLP export failed: " + result.getFailureThrowable());
        } finally {
            exporter.shutdown().join(5, TimeUnit.SECONDS);
        }
    }
}
