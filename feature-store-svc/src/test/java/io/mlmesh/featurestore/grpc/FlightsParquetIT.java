package io.mlmesh.featurestore.grpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.util.Timestamps;
import io.mlmesh.featurestore.FeatureStoreTestResource;
import io.mlmesh.featurestore.Flights;
import io.mlmesh.featurestore.GrpcTestBase;
import io.mlmesh.featurestore.GrpcTestClient;
import io.mlmesh.featurestore.v1.FeatureView;
import io.mlmesh.featurestore.v1.GetTrainingSetRequest;
import io.mlmesh.featurestore.v1.TrainingSetChunk;
import io.mlmesh.featurestore.v1.ViewJoin;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.util.Arrays;
import java.util.List;
import org.jboss.logging.Logger;
import org.junit.jupiter.api.Test;

/** The demo's path on the full 3M-row Parquet file: apply the view, stream a sampled month. */
@QuarkusTest
@WithTestResource(FeatureStoreTestResource.class)
class FlightsParquetIT extends GrpcTestBase {

  private static final Logger LOG = Logger.getLogger(FlightsParquetIT.class);

  @Test
  void getTrainingSet_januaryOfThreeMillionRowsSampled_streamsAboutAFifthWithFeatures() {
    client.stub().registerSource(Flights.register("flights_3m", Flights.PARQUET));
    long applyStartNanos = System.nanoTime();
    FeatureView view = apply(Flights.originView("flights_3m_origin", "flights_3m").build());
    long applyMillis = (System.nanoTime() - applyStartNanos) / 1_000_000;
    long streamStartNanos = System.nanoTime();

    List<TrainingSetChunk> chunks = client.trainingSet(GetTrainingSetRequest.newBuilder()
        .setSource("flights_3m")
        .addJoins(ViewJoin.newBuilder().setView(view.getSpec().getName()))
        .setStart(Timestamps.fromMicros(Flights.micros("2001-01-01T00:00:00Z")))
        .setEnd(Timestamps.fromMicros(Flights.micros("2001-02-01T00:00:00Z")))
        .setSampleFraction(0.2)
        .build());

    long streamMillis = (System.nanoTime() - streamStartNanos) / 1_000_000;
    LOG.infof("flights 3m apply_ms=%d stream_january_ms=%d", applyMillis, streamMillis);
    long rows = chunks.get(chunks.size() - 1).getSummary().getRowCount();
    assertTrue(Math.abs(rows - 0.2 * 508_000) < 3_000, "rows: " + rows);
    assertEquals(rows, chunks.stream().mapToLong(TrainingSetChunk::getRowCount).sum());
    assertEquals(8192, chunks.get(0).getRowCount());
    double[] counts = GrpcTestClient.doubles(chunks, "flights_3m_origin__flights_7d");
    assertTrue(Arrays.stream(counts).filter(count -> count > 1000).count() > rows / 10);
  }
}
