package io.mlmesh.featurestore.grpc;

import static io.mlmesh.featurestore.GrpcTestClient.assertStatus;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.util.Durations;
import io.grpc.Status;
import io.mlmesh.featurestore.FeatureStoreTestResource;
import io.mlmesh.featurestore.Flights;
import io.mlmesh.featurestore.GrpcTestBase;
import io.mlmesh.featurestore.v1.Aggregation;
import io.mlmesh.featurestore.v1.AggregationFunction;
import io.mlmesh.featurestore.v1.DatasetVersion;
import io.mlmesh.featurestore.v1.FeatureView;
import io.mlmesh.featurestore.v1.FeatureViewSpec;
import io.mlmesh.featurestore.v1.GetFeatureViewRequest;
import io.mlmesh.featurestore.v1.ListFeatureViewsRequest;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@QuarkusTest
@WithTestResource(FeatureStoreTestResource.class)
class ApplyFeatureViewIT extends GrpcTestBase {

  private static final String SOURCE = "apply_flights";

  @BeforeEach
  void registerFlights() {
    client.stub().registerSource(Flights.register(SOURCE, Flights.CSV));
  }

  @Test
  void applyFeatureView_sameThenChangedSpec_keepsThenBumpsVersion() {
    FeatureViewSpec first = Flights.originView("versioned", SOURCE).build();
    FeatureViewSpec changed = first.toBuilder().setTtl(Durations.fromDays(2)).build();

    FeatureView v1 = apply(first);
    FeatureView again = apply(first);
    FeatureView v2 = apply(changed);

    assertEquals(1, v1.getVersion());
    assertEquals(v1, again);
    assertEquals(2, v2.getVersion());
    assertEquals(List.of("flights_7d", "late_share_7d", "mean_delay_7d"), v2.getFeatureNamesList());
    assertEquals(first, client.stub().getFeatureView(GetFeatureViewRequest.newBuilder()
        .setName("versioned").setVersion(1).build()).getSpec());
    assertEquals(2, client.stub().getFeatureView(GetFeatureViewRequest.newBuilder()
        .setName("versioned").build()).getVersion());
    assertTrue(client.stub().listFeatureViews(ListFeatureViewsRequest.getDefaultInstance())
        .getViewsList().contains(v2));
  }

  @Test
  void applyFeatureView_sameSpecAfterSourceChanged_newVersionNamingItsSourceDataset(
      @TempDir Path dir) throws IOException {
    Path firstRows = dir.resolve("flights-head.csv");
    Files.write(firstRows, Files.readAllLines(Flights.CSV).subList(0, 5001));
    DatasetVersion head = client.stub().registerSource(Flights.register("changing", firstRows));
    FeatureViewSpec spec = Flights.originView("lineage", "changing").build();

    FeatureView v1 = apply(spec);
    DatasetVersion whole = client.stub().registerSource(Flights.register("changing", Flights.CSV));
    FeatureView v2 = apply(spec);
    FeatureView again = apply(spec);

    assertEquals(head, v1.getSourceDataset());
    assertEquals(5000, v1.getSourceDataset().getRowCount());
    assertEquals(2, v2.getVersion());
    assertEquals(whole.getContentSha256(), v2.getSourceDataset().getContentSha256());
    assertEquals(v2, again);
    assertEquals(head.getContentSha256(), client.stub().getFeatureView(GetFeatureViewRequest
        .newBuilder().setName("lineage").setVersion(1).build())
        .getSourceDataset().getContentSha256());
  }

  @Test
  void getFeatureView_unknownVersion_notFoundNamingIt() {
    apply(Flights.originView("only_one", SOURCE).build());

    assertStatus(Status.Code.NOT_FOUND, () -> client.stub().getFeatureView(
            GetFeatureViewRequest.newBuilder().setName("only_one").setVersion(7).build()),
        "view 'only_one' version 7 does not exist");
  }

  @Test
  void applyFeatureView_badName_invalidArgumentNamingField() {
    assertInvalid(Flights.originView("bad-name", SOURCE).build(),
        "spec.name 'bad-name' must be letters");
  }

  @Test
  void applyFeatureView_unknownSource_invalidArgumentNamingSource() {
    assertInvalid(Flights.originView("v", "trains").build(),
        "spec.source 'trains' is not a registered source");
  }

  @Test
  void applyFeatureView_unknownEntityColumn_invalidArgumentNamingColumn() {
    assertInvalid(Flights.originView("v", SOURCE).setEntityColumn("airport").build(),
        "spec.entity_column 'airport' is not a column of source 'apply_flights'");
  }

  @Test
  void applyFeatureView_meanOfTextColumn_invalidArgumentNamingAggregation() {
    FeatureViewSpec spec = Flights.originView("v", SOURCE)
        .addAggregations(Aggregation.newBuilder().setName("mean_dest")
            .setFunction(AggregationFunction.AGGREGATION_FUNCTION_MEAN).setColumn("destination"))
        .build();

    assertInvalid(spec, "spec.aggregations[3].column 'destination' is not a numeric column");
  }

  @Test
  void applyFeatureView_duplicateFeatureName_invalidArgumentNamingAggregation() {
    FeatureViewSpec spec = Flights.originView("v", SOURCE)
        .addAggregations(Aggregation.newBuilder().setName("flights_7d")
            .setFunction(AggregationFunction.AGGREGATION_FUNCTION_COUNT))
        .build();

    assertInvalid(spec, "spec.aggregations[3].name 'flights_7d'", "must be unique");
  }

  @Test
  void applyFeatureView_windowNotMultipleOfGranularity_invalidArgumentNamingBoth() {
    FeatureViewSpec spec = Flights.originView("v", SOURCE)
        .setWindow(Durations.fromHours(36))
        .build();

    assertInvalid(spec, "spec.window 129600s must be a multiple of spec.granularity 86400s");
  }

  @Test
  void applyFeatureView_zeroTtl_invalidArgumentNamingTtl() {
    FeatureViewSpec spec = Flights.originView("v", SOURCE).clearTtl().build();

    assertInvalid(spec, "spec.ttl must be a positive duration");
  }

  @Test
  void applyFeatureView_noGranularity_invalidArgumentNamingGranularity() {
    FeatureViewSpec spec = Flights.originView("v", SOURCE).clearGranularity().build();

    assertInvalid(spec, "spec.granularity must be a positive duration");
  }


  private void assertInvalid(FeatureViewSpec spec, String... parts) {
    assertStatus(Status.Code.INVALID_ARGUMENT, () -> apply(spec), parts);
  }
}
