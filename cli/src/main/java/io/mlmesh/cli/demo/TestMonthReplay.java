package io.mlmesh.cli.demo;

import io.mlmesh.featurestore.v1.FeatureStoreGrpc;
import io.mlmesh.featurestore.v1.FeatureView;
import io.mlmesh.featurestore.v1.MaterializeRequest;
import io.mlmesh.featurestore.v1.MaterializeResponse;
import io.mlmesh.inference.v1.FieldValue;
import io.mlmesh.inference.v1.PredictRequest;
import io.mlmesh.inference.v1.PredictResponse;
import io.mlmesh.inference.v1.PredictorGrpc;
import java.io.PrintStream;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;

/**
 * Replays the test month through {@code Predict} as production would see it: day by day in
 * time order, first materializing that day's feature rows to the online store, then scoring
 * the day's flights with many concurrent callers, each asking for features as of the flight's
 * own time.
 *
 * <p>The first day is scored once before measuring, so that latency figures describe a warm
 * service rather than JIT compilation; scoring is read-only, so the warm-up changes nothing.
 * Each call carries its row's request id ({@link #requestIdOf}); the warm-up repeats the first
 * day's ids with the same scores, and the monitor keeps one prediction per id.
 */
final class TestMonthReplay {

    private static final long HIGHEST_MICROS = 60_000_000L;

    private final FeatureStoreGrpc.FeatureStoreBlockingStub features;
    private final PredictorGrpc.PredictorBlockingStub predictor;
    private final String target;
    private final String requestIdPrefix;
    private final FeatureView view;
    private final ViewInputs viewInputs;
    private final int concurrency;
    private final PrintStream out;

    /**
     * @param scores served scores, in the order of the rows given
     * @param vectors the model input vector each call was scored with
     * @param variants the routing variant that answered each call
     * @param featureMismatches rows whose served online features differ from their offline row
     * @param latencyByVariant the measured calls' latencies in microseconds, per variant
     */
    record Outcome(double[] scores, float[][] vectors, String[] variants, int featureMismatches,
            long p50Micros, long p99Micros, double callsPerSecond,
            Map<String, Histogram> latencyByVariant) {
    }

    /**
     * @param target the model or endpoint every Predict call names
     * @param requestIdPrefix what the request ids start with ({@link #requestIdOf})
     */
    TestMonthReplay(FeatureStoreGrpc.FeatureStoreBlockingStub features,
            PredictorGrpc.PredictorBlockingStub predictor, String target, String requestIdPrefix,
            FeatureView view, ViewInputs viewInputs, int concurrency, PrintStream out) {
        this.features = features;
        this.predictor = predictor;
        this.target = target;
        this.requestIdPrefix = requestIdPrefix;
        this.view = view;
        this.viewInputs = viewInputs;
        this.concurrency = concurrency;
        this.out = out;
    }

    Outcome run(List<FlightRow> rows) {
        TreeMap<LocalDate, List<Integer>> rowsByDay = groupByDay(rows);
        Served served = new Served(new double[rows.size()], new float[rows.size()][],
                new String[rows.size()], new ConcurrentHashMap<>());
        AtomicInteger mismatches = new AtomicInteger();
        Histogram latency = new ConcurrentHistogram(HIGHEST_MICROS, 3);
        ExecutorService callers = Executors.newFixedThreadPool(concurrency);
        try {
            materialize(null, rowsByDay.firstKey());
            long scoringNanos = 0;
            boolean warmedUp = false;
            for (Map.Entry<LocalDate, List<Integer>> day : rowsByDay.entrySet()) {
                materialize(day.getKey(), day.getKey().plusDays(1));
                if (!warmedUp) {
                    score(callers, rows, day.getValue(), served, new AtomicInteger(),
                            new ConcurrentHistogram(HIGHEST_MICROS, 3));
                    served.latencyByVariant().clear();
                    warmedUp = true;
                }
                long startNanos = System.nanoTime();
                score(callers, rows, day.getValue(), served, mismatches, latency);
                scoringNanos += System.nanoTime() - startNanos;
            }
            return new Outcome(served.scores(), served.vectors(), served.variants(),
                    mismatches.get(), latency.getValueAtPercentile(50),
                    latency.getValueAtPercentile(99), rows.size() / (scoringNanos / 1e9),
                    Map.copyOf(served.latencyByVariant()));
        } finally {
            callers.shutdownNow();
        }
    }

    private void materialize(LocalDate start, LocalDate end) {
        MaterializeRequest.Builder request = MaterializeRequest.newBuilder()
                .setView(view.getSpec().getName())
                .setVersion(view.getVersion())
                .setEnd(ProtoTime.startOf(end));
        if (start != null) {
            request.setStart(ProtoTime.startOf(start));
        }
        MaterializeResponse response = features.materialize(request.build());
        if (start == null) {
            out.printf("[feature-store] materialized history before %s: %,d entities written"
                    + " (a value already online is kept)%n",
                    end, response.getEntitiesWritten());
        }
    }

    /** Where each call's score, vector and variant go, by row index. */
    private record Served(double[] scores, float[][] vectors, String[] variants,
            Map<String, Histogram> latencyByVariant) {

        void record(int index, PredictResponse response, long micros) {
            scores[index] = response.getScore();
            vectors[index] = vectorOf(response);
            variants[index] = response.getVariant();
            latencyByVariant.computeIfAbsent(response.getVariant(),
                    variant -> new ConcurrentHistogram(HIGHEST_MICROS, 3)).recordValue(micros);
        }
    }

    private void score(ExecutorService callers, List<FlightRow> rows, List<Integer> indexes,
            Served served, AtomicInteger mismatches, Histogram latency) {
        ConcurrentCalls.run(callers, concurrency, indexes.size(), k -> {
            int index = indexes.get(k);
            long startNanos = System.nanoTime();
            PredictResponse response = predictor
                    .withDeadlineAfter(10, TimeUnit.SECONDS)
                    .predict(requestFor(rows.get(index), index));
            long micros = Math.min(HIGHEST_MICROS, (System.nanoTime() - startNanos) / 1000);
            latency.recordValue(micros);
            served.record(index, response, micros);
            if (!onlineFeaturesMatch(rows.get(index), response)) {
                mismatches.incrementAndGet();
            }
        }, "Predict");
    }

    private PredictRequest requestFor(FlightRow row, int index) {
        return PredictRequest.newBuilder()
                .setModel(target)
                .putFields("date", FieldValue.newBuilder()
                        .setTime(ProtoTime.fromMicros(row.timeMicros())).build())
                .putFields("distance", FieldValue.newBuilder().setNumber(row.distance()).build())
                .putFields("origin", FieldValue.newBuilder().setText(row.origin()).build())
                .putFields("destination",
                        FieldValue.newBuilder().setText(row.destination()).build())
                .setAsOf(ProtoTime.fromMicros(row.timeMicros()))
                .setRequestId(requestIdOf(requestIdPrefix, index))
                .setReturnFeatures(true)
                .build();
    }

    /**
     * The request id the replay sends with a row's Predict call: the key under which its
     * prediction is logged and its outcome is recorded later.
     */
    static String requestIdOf(String prefix, int index) {
        return prefix + "-" + index;
    }

    private static float[] vectorOf(PredictResponse response) {
        float[] vector = new float[response.getFeaturesCount()];
        for (int i = 0; i < vector.length; i++) {
            vector[i] = (float) response.getFeatures(i);
        }
        return vector;
    }

    /** Whether the served vector holds, for each view feature, the offline row's value. */
    private boolean onlineFeaturesMatch(FlightRow row, PredictResponse response) {
        List<String> names = response.getFeatureNamesList();
        float[] offline = viewInputs.of(row);
        for (int f = 0; f < FlightsDemo.VIEW_FEATURES.size(); f++) {
            int position = names.indexOf(FlightsDemo.VIEW + "__"
                    + FlightsDemo.VIEW_FEATURES.get(f));
            if (position < 0) {
                return false;
            }
            float served = (float) response.getFeatures(position);
            if (Float.compare(served, offline[f]) != 0) {
                return false;
            }
        }
        return true;
    }

    private static TreeMap<LocalDate, List<Integer>> groupByDay(List<FlightRow> rows) {
        TreeMap<LocalDate, List<Integer>> byDay = new TreeMap<>();
        for (int i = 0; i < rows.size(); i++) {
            byDay.computeIfAbsent(ProtoTime.dayOf(rows.get(i).timeMicros()),
                    day -> new ArrayList<>()).add(i);
        }
        return byDay;
    }
}
