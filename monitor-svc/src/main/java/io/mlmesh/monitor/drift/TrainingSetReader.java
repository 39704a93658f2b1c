package io.mlmesh.monitor.drift;

import io.grpc.ClientCall;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCalls;
import io.mlmesh.core.drift.FeatureValues;
import io.mlmesh.featurestore.v1.Column;
import io.mlmesh.featurestore.v1.ColumnSchema;
import io.mlmesh.featurestore.v1.ColumnType;
import io.mlmesh.featurestore.v1.FeatureStoreGrpc;
import io.mlmesh.featurestore.v1.GetTrainingSetRequest;
import io.mlmesh.featurestore.v1.TrainingSetChunk;
import io.mlmesh.featurestore.v1.TrainingSetHeader;
import io.mlmesh.featurestore.v1.TrainingSetSummary;
import io.mlmesh.monitor.config.MonitorConfig;
import io.quarkus.grpc.GrpcClient;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * Streams training sets from the feature store (gRPC client {@code featurestore}) and keeps
 * only the columns under test. Blocking; called on worker threads.
 *
 * <p>Each read's call is cancelled when the read ends (a no-op once the stream completed), so a
 * stream abandoned half-way (a column missing from its header) is closed at once instead of
 * streaming on until its deadline. The call is cancelled directly rather than through a
 * cancellable {@code io.grpc.Context}: under Quarkus a context cancelled after one read was
 * still seen as current by the next.
 */
@ApplicationScoped
public class TrainingSetReader {

    /** Feature store codes passed on as they are; any other becomes UNAVAILABLE. */
    private static final Set<Status.Code> PASSED_ON = Set.of(Status.Code.NOT_FOUND,
            Status.Code.INVALID_ARGUMENT, Status.Code.FAILED_PRECONDITION,
            Status.Code.RESOURCE_EXHAUSTED, Status.Code.DEADLINE_EXCEEDED,
            Status.Code.UNAVAILABLE);

    private final FeatureStoreGrpc.FeatureStoreBlockingStub featureStore;
    private final MonitorConfig config;

    @Inject
    public TrainingSetReader(@GrpcClient("featurestore")
            FeatureStoreGrpc.FeatureStoreBlockingStub featureStore, MonitorConfig config) {
        this.featureStore = featureStore;
        this.config = config;
    }

    /**
     * Reads the named columns of one training set.
     *
     * @param role which set this is ({@code reference} or {@code current}), for messages
     * @throws PeerFailure when the feature store refuses or fails the call
     * @throws IllegalArgumentException when a column is not in the set or has no drift reading
     */
    public StreamedSet read(String role, GetTrainingSetRequest request, List<String> columns) {
        FeatureStoreGrpc.FeatureStoreBlockingStub stub = featureStore.withDeadlineAfter(
                config.featureStoreTimeout().toMillis(), TimeUnit.MILLISECONDS);
        ClientCall<GetTrainingSetRequest, TrainingSetChunk> call = stub.getChannel().newCall(
                FeatureStoreGrpc.getGetTrainingSetMethod(), stub.getCallOptions());
        try {
            return collect(role, ClientCalls.blockingServerStreamingCall(call, request),
                    columns);
        } catch (StatusRuntimeException e) {
            throw peerFailure(role, request, e);
        } finally {
            call.cancel("monitor-svc stopped reading the " + role + " set", null);
        }
    }

    private static StreamedSet collect(String role, Iterator<TrainingSetChunk> stream,
            List<String> columns) {
        Map<String, ColumnCollector> collectors = null;
        Map<String, ColumnReading> readings = null;
        long rows = 0;
        TrainingSetSummary summary = null;
        while (stream.hasNext()) {
            TrainingSetChunk chunk = stream.next();
            if (chunk.hasHeader()) {
                readings = readings(role, chunk.getHeader(), columns);
                collectors = new LinkedHashMap<>();
                for (Map.Entry<String, ColumnReading> entry : readings.entrySet()) {
                    collectors.put(entry.getKey(), new ColumnCollector(entry.getValue()));
                }
            }
            if (chunk.getRowCount() > 0) {
                add(role, chunk, requireHeader(role, collectors));
                rows += chunk.getRowCount();
            }
            if (chunk.hasSummary()) {
                summary = chunk.getSummary();
            }
        }

        return finish(role, requireHeader(role, collectors), readings, rows, summary);
    }

    private static Map<String, ColumnReading> readings(String role, TrainingSetHeader header,
            List<String> columns) {
        Map<String, ColumnType> types = header.getColumnsList().stream()
                .collect(Collectors.toMap(ColumnSchema::getName, ColumnSchema::getType,
                        (first, second) -> first));
        Map<String, ColumnReading> readings = new LinkedHashMap<>();
        for (String column : columns) {
            ColumnType type = types.get(column);
            if (type == null) {
                throw new IllegalArgumentException("columns: '" + column + "' is not in the "
                        + role + " set, whose columns are " + types.keySet());
            }
            readings.put(column, ColumnReading.of(column, type));
        }
        return readings;
    }

    private static void add(String role, TrainingSetChunk chunk,
            Map<String, ColumnCollector> collectors) {
        Map<String, Column> batches = chunk.getColumnsList().stream()
                .collect(Collectors.toMap(Column::getName, column -> column,
                        (first, second) -> first));
        collectors.forEach((name, collector) -> {
            Column batch = batches.get(name);
            if (batch == null) {
                throw malformed(role, "a batch lacks column '" + name + "'");
            }
            collector.add(batch);
        });
    }

    private static StreamedSet finish(String role, Map<String, ColumnCollector> collectors,
            Map<String, ColumnReading> readings, long rows, TrainingSetSummary summary) {
        if (summary == null || summary.getRowCount() != rows) {
            throw malformed(role, summary == null ? "it ended without its summary"
                    : "it carried " + rows + " rows but its summary says "
                    + summary.getRowCount());
        }
        Map<String, FeatureValues> values = new LinkedHashMap<>();
        collectors.forEach((name, collector) -> values.put(name, collector.values()));
        return new StreamedSet(readings, values, rows, summary.getContentSha256());
    }

    private static <T> T requireHeader(String role, T collectors) {
        if (collectors == null) {
            throw malformed(role, "it carried rows or ended before its header");
        }
        return collectors;
    }

    private static PeerFailure malformed(String role, String problem) {
        return new PeerFailure(Status.Code.UNAVAILABLE, "feature store stream of the " + role
                + " set is malformed: " + problem, null);
    }

    private static PeerFailure peerFailure(String role, GetTrainingSetRequest request,
            StatusRuntimeException failure) {
        Status status = failure.getStatus();
        Status.Code code = PASSED_ON.contains(status.getCode()) ? status.getCode()
                : Status.Code.UNAVAILABLE;
        return new PeerFailure(code, role + ": feature store GetTrainingSet (source '"
                + request.getSource() + "') failed with " + status.getCode() + ": "
                + status.getDescription(), failure);
    }
}
