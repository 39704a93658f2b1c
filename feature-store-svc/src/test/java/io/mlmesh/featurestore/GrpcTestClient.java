package io.mlmesh.featurestore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.mlmesh.featurestore.v1.Column;
import io.mlmesh.featurestore.v1.FeatureStoreGrpc;
import io.mlmesh.featurestore.v1.GetTrainingSetRequest;
import io.mlmesh.featurestore.v1.TrainingSetChunk;
import java.net.URL;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/** A real gRPC channel to the Quarkus test instance, and helpers to read its answers. */
public final class GrpcTestClient implements AutoCloseable {

  private final ManagedChannel channel;

  public GrpcTestClient(URL testUrl) {
    channel = ManagedChannelBuilder.forAddress(testUrl.getHost(), testUrl.getPort())
        .usePlaintext()
        .maxInboundMessageSize(64 << 20)
        .build();
  }

  public FeatureStoreGrpc.FeatureStoreBlockingStub stub() {
    return FeatureStoreGrpc.newBlockingStub(channel).withDeadlineAfter(120, TimeUnit.SECONDS);
  }

  /** An asynchronous stub, for streaming calls driven by an observer. */
  public FeatureStoreGrpc.FeatureStoreStub asyncStub() {
    return FeatureStoreGrpc.newStub(channel).withDeadlineAfter(120, TimeUnit.SECONDS);
  }

  /** Every chunk of a training set stream, in order. */
  public List<TrainingSetChunk> trainingSet(GetTrainingSetRequest request) {
    List<TrainingSetChunk> chunks = new ArrayList<>();
    stub().getTrainingSet(request).forEachRemaining(chunks::add);
    return chunks;
  }

  /** The values of the named numeric column across all chunks. */
  public static double[] doubles(List<TrainingSetChunk> chunks, String name) {
    return column(chunks, name).stream()
        .flatMapToDouble(column -> column.getDoublesList().stream().mapToDouble(d -> d))
        .toArray();
  }

  /** The values of the named timestamp column across all chunks. */
  public static long[] micros(List<TrainingSetChunk> chunks, String name) {
    return column(chunks, name).stream()
        .flatMapToLong(column -> column.getTimestampsMicrosList().stream().mapToLong(t -> t))
        .toArray();
  }

  /** The values of the named string column across all chunks. */
  public static List<String> strings(List<TrainingSetChunk> chunks, String name) {
    return column(chunks, name).stream()
        .flatMap(column -> column.getStringsList().stream())
        .toList();
  }

  private static List<Column> column(List<TrainingSetChunk> chunks, String name) {
    return chunks.stream()
        .flatMap(chunk -> chunk.getColumnsList().stream())
        .filter(column -> column.getName().equals(name))
        .toList();
  }

  /** Asserts that {@code call} fails with {@code code} and a description containing parts. */
  public static void assertStatus(Status.Code code, Supplier<?> call, String... parts) {
    StatusRuntimeException failure = assertThrows(StatusRuntimeException.class, call::get);
    assertEquals(code, failure.getStatus().getCode(), failure.getStatus().toString());
    String description = failure.getStatus().getDescription();
    for (String part : parts) {
      assertTrue(description != null && description.contains(part),
          "description '" + description + "' lacks '" + part + "'");
    }
  }

  @Override
  public void close() throws InterruptedException {
    channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
  }
}
