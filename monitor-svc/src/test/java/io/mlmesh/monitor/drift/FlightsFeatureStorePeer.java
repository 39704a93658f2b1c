package io.mlmesh.monitor.drift;

import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.mlmesh.featurestore.v1.Column;
import io.mlmesh.featurestore.v1.ColumnSchema;
import io.mlmesh.featurestore.v1.ColumnType;
import io.mlmesh.featurestore.v1.DatasetVersion;
import io.mlmesh.featurestore.v1.FeatureStoreGrpc;
import io.mlmesh.featurestore.v1.GetTrainingSetRequest;
import io.mlmesh.featurestore.v1.TrainingSetChunk;
import io.mlmesh.featurestore.v1.TrainingSetHeader;
import io.mlmesh.featurestore.v1.TrainingSetSummary;
import io.mlmesh.featurestore.v1.ViewJoin;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Stands in for the feature store's {@code GetTrainingSet}: streams the real flights sample
 * ({@code data/flights-20k.csv}) of source {@code flights}, filtered by the request's time
 * range, in column batches, with the real service's column types and its NOT_FOUND and
 * INVALID_ARGUMENT descriptions. One view can be joined: {@code origin_stats}, whose feature
 * {@code late_share} is the origin's share of late flights (delay over 15) among its earlier
 * flights, NaN (missing) before its first one.
 */
final class FlightsFeatureStorePeer extends FeatureStoreGrpc.FeatureStoreImplBase {

    static final String SOURCE = "flights";
    static final String VIEW = "origin_stats";
    static final String LATE_SHARE = VIEW + "__late_share";
    private static final Path CSV = Path.of("..", "data", "flights-20k.csv");
    private static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("yyyy/MM/dd HH:mm");
    private static final int BATCH_ROWS = 4096;
    private static final Map<String, ColumnType> TYPES = Map.of(
            "date", ColumnType.COLUMN_TYPE_TIMESTAMP,
            "delay", ColumnType.COLUMN_TYPE_INT64,
            "distance", ColumnType.COLUMN_TYPE_INT64,
            "origin", ColumnType.COLUMN_TYPE_STRING,
            "destination", ColumnType.COLUMN_TYPE_STRING,
            LATE_SHARE, ColumnType.COLUMN_TYPE_DOUBLE);

    private final List<Flight> flights = read();

    private record Flight(long timeMicros, double delay, double distance, String origin,
            String destination, double originLateShare) {
    }

    @Override
    public void getTrainingSet(GetTrainingSetRequest request,
            StreamObserver<TrainingSetChunk> response) {
        Status refusal = refusal(request);
        if (refusal != null) {
            response.onError(refusal.asRuntimeException());
            return;
        }
        List<String> columns = columns(request);
        List<Flight> rows = flights.stream()
                .filter(flight -> inRange(request, flight.timeMicros())).toList();
        TrainingSetHeader header = header(columns);
        for (int start = 0; start < rows.size(); start += BATCH_ROWS) {
            TrainingSetChunk.Builder chunk = batch(columns,
                    rows.subList(start, Math.min(rows.size(), start + BATCH_ROWS)));
            response.onNext(start == 0 ? chunk.setHeader(header).build() : chunk.build());
        }
        TrainingSetChunk.Builder last = TrainingSetChunk.newBuilder()
                .setSummary(TrainingSetSummary.newBuilder().setRowCount(rows.size())
                        .setContentSha256("flights-" + rows.size()));
        response.onNext(rows.isEmpty() ? last.setHeader(header).build() : last.build());
        response.onCompleted();
    }

    private static Status refusal(GetTrainingSetRequest request) {
        if (!SOURCE.equals(request.getSource())) {
            return Status.NOT_FOUND.withDescription("source '" + request.getSource()
                    + "' is not registered");
        }
        for (int i = 0; i < request.getJoinsCount(); i++) {
            ViewJoin join = request.getJoins(i);
            if (!VIEW.equals(join.getView())) {
                return Status.NOT_FOUND.withDescription("joins[" + i + "].view '"
                        + join.getView() + "' does not exist");
            }
        }
        for (int i = 0; i < request.getColumnsCount(); i++) {
            String column = request.getColumns(i);
            if (!TYPES.containsKey(column) || LATE_SHARE.equals(column)) {
                return Status.INVALID_ARGUMENT.withDescription("columns[" + i + "] '" + column
                        + "' is not a column of source 'flights'");
            }
        }
        return null;
    }

    private static List<String> columns(GetTrainingSetRequest request) {
        List<String> columns = new ArrayList<>(List.of("date"));
        List<String> requested = request.getColumnsCount() == 0
                ? List.of("delay", "distance", "origin", "destination")
                : request.getColumnsList();
        requested.stream().filter(column -> !columns.contains(column)).forEach(columns::add);
        if (request.getJoinsCount() > 0) {
            columns.add(LATE_SHARE);
        }
        return columns;
    }

    private static TrainingSetHeader header(List<String> columns) {
        TrainingSetHeader.Builder header = TrainingSetHeader.newBuilder()
                .setSource(DatasetVersion.newBuilder().setName(SOURCE));
        columns.forEach(column -> header.addColumns(ColumnSchema.newBuilder()
                .setName(column).setType(TYPES.get(column))));
        return header.build();
    }

    private static TrainingSetChunk.Builder batch(List<String> columns, List<Flight> rows) {
        TrainingSetChunk.Builder chunk = TrainingSetChunk.newBuilder().setRowCount(rows.size());
        for (String name : columns) {
            Column.Builder column = Column.newBuilder().setName(name).setType(TYPES.get(name));
            for (Flight flight : rows) {
                switch (name) {
                    case "date" -> column.addTimestampsMicros(flight.timeMicros());
                    case "delay" -> column.addDoubles(flight.delay());
                    case "distance" -> column.addDoubles(flight.distance());
                    case "origin" -> column.addStrings(flight.origin());
                    case "destination" -> column.addStrings(flight.destination());
                    default -> column.addDoubles(flight.originLateShare());
                }
            }
            chunk.addColumns(column);
        }
        return chunk;
    }

    private static boolean inRange(GetTrainingSetRequest request, long micros) {
        boolean afterStart = !request.hasStart()
                || micros >= request.getStart().getSeconds() * 1_000_000L;
        boolean beforeEnd = !request.hasEnd()
                || micros < request.getEnd().getSeconds() * 1_000_000L;
        return afterStart && beforeEnd;
    }

    private static List<Flight> read() {
        List<String> lines;
        try {
            lines = Files.readAllLines(CSV);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Map<String, int[]> lateAndTotalByOrigin = new HashMap<>();
        List<Flight> flights = new ArrayList<>(lines.size());
        for (String line : lines.subList(1, lines.size())) {
            String[] fields = line.split(",", -1);
            double delay = Double.parseDouble(fields[1]);
            int[] counts = lateAndTotalByOrigin.computeIfAbsent(fields[3], key -> new int[2]);
            double share = counts[1] == 0 ? Double.NaN : (double) counts[0] / counts[1];
            long micros = LocalDateTime.parse(fields[0], DATE).toEpochSecond(ZoneOffset.UTC)
                    * 1_000_000L;
            flights.add(new Flight(micros, delay, Double.parseDouble(fields[2]), fields[3],
                    fields[4], share));
            counts[0] += delay > 15 ? 1 : 0;
            counts[1]++;
        }
        return flights;
    }
}
