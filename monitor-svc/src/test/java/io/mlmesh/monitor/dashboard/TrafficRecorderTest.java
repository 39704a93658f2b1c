package io.mlmesh.monitor.dashboard;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.mlmesh.monitor.store.Operation;
import io.mlmesh.monitor.store.ReceivedSpan;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class TrafficRecorderTest {

    private static final Operation PAY = new Operation("checkout", "Checkout/Pay");
    private static final Operation WRITE = new Operation("ledger", "Ledger/Write");

    @Test
    void read_spansOfTwoServices_percentilesAndErrorRatePerService() {
        TrafficRecorder recorder = new TrafficRecorder(50);
        recorder.record(Map.of("trace-1", spans(PAY, 100, 10), "trace-2", spans(WRITE, 10, 0)));

        Map<String, Double> figures = byChartAndSeries(recorder.read());

        assertEquals(50.0, figures.get("latency-p50/checkout"), 0.05);
        assertEquals(95.0, figures.get("latency-p95/checkout"), 0.1);
        assertEquals(99.0, figures.get("latency-p99/checkout"), 0.1);
        assertEquals(0.1, figures.get("error-rate/checkout"), 1e-12);
        assertEquals(5.0, figures.get("latency-p50/ledger"), 0.01);
        assertEquals(0.0, figures.get("error-rate/ledger"), 0.0);
    }

    @Test
    void read_twice_secondReadCoversOnlyNewSpans() {
        TrafficRecorder recorder = new TrafficRecorder(50);
        recorder.record(Map.of("trace-1", spans(PAY, 100, 100)));
        recorder.read();

        List<Figure> quiet = recorder.read();
        recorder.record(Map.of("trace-2", spans(PAY, 4, 0)));
        Map<String, Double> after = byChartAndSeries(recorder.read());

        assertEquals(List.of(), quiet);
        assertEquals(0.0, after.get("error-rate/checkout"), 0.0);
        assertEquals(4.0, after.get("latency-p99/checkout"), 0.01);
    }

    @Test
    void record_moreServicesThanMax_leavesFurtherServicesOut() {
        TrafficRecorder recorder = new TrafficRecorder(1);
        recorder.record(Map.of("trace-1", spans(PAY, 3, 0)));
        recorder.record(Map.of("trace-2", spans(WRITE, 3, 0)));

        List<Figure> figures = recorder.read();

        assertEquals(List.of("checkout"),
                figures.stream().map(Figure::series).distinct().toList());
    }

    /** Spans lasting 1, 2, ... count milliseconds, the first errorCount of them failed. */
    private static List<ReceivedSpan> spans(Operation operation, int count, int errorCount) {
        List<ReceivedSpan> spans = new ArrayList<>(count);
        for (int i = 1; i <= count; i++) {
            spans.add(new ReceivedSpan(operation, i, 0, 1_700_000_000_000_000_000L, i * 1_000L,
                    i <= errorCount));
        }
        return spans;
    }

    private static Map<String, Double> byChartAndSeries(List<Figure> figures) {
        return figures.stream().collect(Collectors.toMap(
                figure -> figure.chart().id() + "/" + figure.series(), Figure::value));
    }
}
