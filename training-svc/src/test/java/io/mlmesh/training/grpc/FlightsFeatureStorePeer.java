package io.mlmesh.training.grpc;

import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.mlmesh.featurestore.v1.FeatureStoreGrpc;
import io.mlmesh.featurestore.v1.GetTrainingSetRequest;
import io.mlmesh.featurestore.v1.TrainingSetChunk;
import io.mlmesh.featurestore.v1.TrainingSetSummary;
import io.mlmesh.training.FlightsCsv;
import io.mlmesh.training.registry.VersionRequests;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Stands in for the feature store: streams the real flights sample, filtered by the request's
 * time range, as header, column batches and summary. Its digest is the SHA-256 of the CSV lines
 * streamed. Streams can be held at a gate until a test is ready to watch them.
 */
final class FlightsFeatureStorePeer extends FeatureStoreGrpc.FeatureStoreImplBase {

    static final int VIEW_VERSION = 3;
    private static final int BATCH_ROWS = 4096;

    private final List<FlightsCsv.Flight> flights = FlightsCsv.read();
    private final Map<String, TrainingSetSummary> summariesByRange = new ConcurrentHashMap<>();
    private volatile CountDownLatch gate = new CountDownLatch(0);

    /** Holds every stream from now on until {@link #open} is called. */
    void close() {
        gate = new CountDownLatch(1);
    }

    void open() {
        gate.countDown();
    }

    /** The summary last streamed for a request's time range. */
    TrainingSetSummary summaryOf(GetTrainingSetRequest request) {
        return summariesByRange.get(rangeKey(request));
    }

    @Override
    public void getTrainingSet(GetTrainingSetRequest request,
            StreamObserver<TrainingSetChunk> response) {
        if (!"flights".equals(request.getSource())) {
            response.onError(Status.NOT_FOUND.withDescription("source " + request.getSource()
                    + " not found").asRuntimeException());
            return;
        }
        awaitGate();
        List<FlightsCsv.Flight> rows = flights.stream()
                .filter(flight -> inRange(request, flight.timeMicros()))
                .toList();
        List<TrainingSetChunk> batches = FlightsCsv.batches(rows, BATCH_ROWS);
        response.onNext(batches.get(0).toBuilder().setHeader(FlightsCsv.header(VIEW_VERSION))
                .build());
        batches.subList(1, batches.size()).forEach(response::onNext);
        TrainingSetSummary summary = summaryOf(rows);
        summariesByRange.put(rangeKey(request), summary);
        response.onNext(TrainingSetChunk.newBuilder().setSummary(summary).build());
        response.onCompleted();
    }

    private void awaitGate() {
        try {
            if (!gate.await(30, TimeUnit.SECONDS)) {
                throw new IllegalStateException("gate stayed closed");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static TrainingSetSummary summaryOf(List<FlightsCsv.Flight> rows) {
        StringBuilder lines = new StringBuilder();
        rows.forEach(flight -> lines.append(flight.line()).append('\n'));
        return TrainingSetSummary.newBuilder()
                .setRowCount(rows.size())
                .setContentSha256(VersionRequests.sha256Hex(
                        lines.toString().getBytes(StandardCharsets.UTF_8)))
                .build();
    }

    private static boolean inRange(GetTrainingSetRequest request, long micros) {
        boolean afterStart = !request.hasStart()
                || micros >= request.getStart().getSeconds() * 1_000_000L;
        boolean beforeEnd = !request.hasEnd()
                || micros < request.getEnd().getSeconds() * 1_000_000L;
        return afterStart && beforeEnd;
    }

    private static String rangeKey(GetTrainingSetRequest request) {
        return request.getStart().getSeconds() + "-" + request.getEnd().getSeconds();
    }
}
