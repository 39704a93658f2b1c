package io.mlmesh.monitor.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class TraceStoreTest {

    private static final Operation PAY = new Operation("checkout", "Checkout/Pay");
    private static final Operation WRITE = new Operation("ledger", "Ledger/Write");

    @Test
    void addAll_moreTracesThanMax_evictsOldestFirstSeen() {
        TraceStore store = new TraceStore(2, 10);

        store.addAll(Map.of(traceId(1), List.of(span(PAY, 1, 100, false))));
        store.addAll(Map.of(traceId(2), List.of(span(PAY, 2, 100, false))));
        store.addAll(Map.of(traceId(1), List.of(span(WRITE, 3, 100, false))));
        store.addAll(Map.of(traceId(3), List.of(span(PAY, 4, 100, false))));

        assertThrows(TraceNotFoundException.class, () -> store.trace(traceId(1)));
        assertEquals(1, store.trace(traceId(2)).size());
        assertEquals(1, store.trace(traceId(3)).size());
        assertEquals(2, store.heldTraceCount());
        assertEquals(1, store.evictedTraceCount());
        assertEquals(3, store.summarize("").traceCount());
        assertEquals(4, store.summarize("").spanCount());
    }

    @Test
    void addAll_spansBeyondMaxPerTrace_countsThemButHoldsFirst() {
        TraceStore store = storeWithOneTrace(2, List.of(
                span(PAY, 1, 100, false), span(PAY, 2, 200, false), span(PAY, 3, 300, true)));

        assertEquals(List.of(1L, 2L), store.trace(traceId(1)).stream()
                .map(ReceivedSpan::spanId).toList());
        assertEquals(1, store.droppedSpanCount());
        OperationLatency pay = store.summarize("").operations().get(0);
        assertEquals(3, pay.count());
        assertEquals(1, pay.errorCount());
        assertEquals(300, pay.maxMicros());
    }

    @Test
    void summarize_servicePrefix_keepsMatchingServicesOnly() {
        TraceStore store = storeWithOneTrace(10, List.of(
                span(PAY, 1, 100, false), span(WRITE, 2, 50, true), span(WRITE, 3, 70, false)));

        Summary ledger = store.summarize("led");

        assertEquals(List.of(new ServiceTotals("ledger", 2, 1)), ledger.services());
        assertEquals(1, ledger.operations().size());
        assertEquals(WRITE, ledger.operations().get(0).operation());
        assertEquals(2, ledger.spanCount());
        assertEquals(1, ledger.traceCount());
    }

    @Test
    void trace_spansOutOfOrder_sortedByStartAndShareOneOperation() {
        ReceivedSpan late = new ReceivedSpan(new Operation("checkout", "Checkout/Pay"),
                1, 0, 2_000, 10, false);
        ReceivedSpan early = new ReceivedSpan(new Operation("checkout", "Checkout/Pay"),
                2, 1, 1_000, 10, false);

        List<ReceivedSpan> spans =
                storeWithOneTrace(10, List.of(late, early)).trace(traceId(1));

        assertEquals(List.of(2L, 1L), spans.stream().map(ReceivedSpan::spanId).toList());
        assertSame(spans.get(0).operation(), spans.get(1).operation());
    }

    @Test
    void addAll_concurrentExports_countsEverySpanOnce() throws Exception {
        TraceStore store = new TraceStore(100_000, 10);
        int threadCount = 8;
        int exportsPerThread = 500;
        ExecutorService executor = Executors.newFixedThreadPool(threadCount);
        List<Future<?>> exports = new ArrayList<>();
        for (int thread = 0; thread < threadCount; thread++) {
            int firstTrace = thread * exportsPerThread;
            exports.add(executor.submit(() -> {
                for (int i = 0; i < exportsPerThread; i++) {
                    int trace = firstTrace + i;
                    store.addAll(Map.of(traceId(trace), List.of(
                            span(PAY, 1, 1_000 + trace % 100, trace % 10 == 0),
                            span(WRITE, 2, 500, false))));
                    store.summarize("");
                }
            }));
        }
        for (Future<?> export : exports) {
            export.get(30, TimeUnit.SECONDS);
        }
        executor.shutdown();

        Summary summary = store.summarize("");
        int traceCount = threadCount * exportsPerThread;
        assertEquals(traceCount, summary.traceCount());
        assertEquals(2L * traceCount, summary.spanCount());
        assertEquals(traceCount / 10, summary.operations().get(0).errorCount());
        assertEquals(traceCount, store.heldTraceCount());
    }

    @Test
    void summarize_knownDurations_percentilesWithinHistogramPrecision() {
        List<ReceivedSpan> spans = new ArrayList<>();
        for (int i = 1; i <= 1_000; i++) {
            spans.add(span(PAY, i, i * 100L, false));
        }

        OperationLatency pay =
                storeWithOneTrace(1_000, spans).summarize("").operations().get(0);

        assertEquals(50_000, pay.p50Micros(), 50);
        assertEquals(99_000, pay.p99Micros(), 99);
        assertEquals(100_000, pay.maxMicros());
    }

    @Test
    void summarize_singleSpan_percentilesNeverExceedExactMax() {
        TraceStore store = storeWithOneTrace(10, List.of(span(PAY, 1, 650_763, false)));

        OperationLatency pay = store.summarize("").operations().get(0);

        assertEquals(new OperationLatency(PAY, 1, 0, 650_763, 650_763, 650_763, traceId(1)),
                pay);
    }

    @Test
    void summarize_spansOfSeveralTraces_namesTheTraceOfTheLongestSpan() {
        TraceStore store = new TraceStore(10, 10);
        store.addAll(Map.of(traceId(1), List.of(span(PAY, 1, 300, false))));
        store.addAll(Map.of(traceId(2), List.of(span(PAY, 2, 900, false))));
        store.addAll(Map.of(traceId(3), List.of(span(PAY, 3, 500, false))));

        OperationLatency pay = store.summarize("").operations().get(0);

        assertEquals(traceId(2), pay.slowestTraceId());
    }

    @Test
    void constructor_nonPositiveLimit_throwsNamingIt() {
        IllegalArgumentException traces =
                assertThrows(IllegalArgumentException.class, () -> new TraceStore(0, 10));
        IllegalArgumentException spans =
                assertThrows(IllegalArgumentException.class, () -> new TraceStore(10, -1));

        assertTrue(traces.getMessage().contains("maxTraces must be >= 1: 0"));
        assertTrue(spans.getMessage().contains("maxSpansPerTrace must be >= 1: -1"));
    }

    private static TraceStore storeWithOneTrace(int maxSpansPerTrace, List<ReceivedSpan> spans) {
        TraceStore store = new TraceStore(10, maxSpansPerTrace);
        store.addAll(Map.of(traceId(1), spans));
        return store;
    }

    private static String traceId(int number) {
        return String.format("%032x", number + 1);
    }

    private static ReceivedSpan span(Operation operation, long spanId, long micros, boolean error) {
        return new ReceivedSpan(operation, spanId, 0, spanId * 1_000, micros, error);
    }
}
