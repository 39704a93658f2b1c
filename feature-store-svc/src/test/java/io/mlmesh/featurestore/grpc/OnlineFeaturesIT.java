package io.mlmesh.featurestore.grpc;

import static io.mlmesh.featurestore.GrpcTestClient.assertStatus;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.Timestamp;
import com.google.protobuf.util.Durations;
import com.google.protobuf.util.Timestamps;
import io.grpc.Status;
import io.mlmesh.featurestore.FeatureStoreTestResource;
import io.mlmesh.featurestore.Flights;
import io.mlmesh.featurestore.GrpcTestBase;
import io.mlmesh.featurestore.v1.Aggregation;
import io.mlmesh.featurestore.v1.AggregationFunction;
import io.mlmesh.featurestore.v1.EntityFeatures;
import io.mlmesh.featurestore.v1.FeatureStatus;
import io.mlmesh.featurestore.v1.FeatureViewSpec;
import io.mlmesh.featurestore.v1.GetOnlineFeaturesRequest;
import io.mlmesh.featurestore.v1.GetOnlineFeaturesResponse;
import io.mlmesh.featurestore.v1.MaterializeProgress;
import io.mlmesh.featurestore.v1.MaterializeRequest;
import io.mlmesh.featurestore.v1.MaterializeResponse;
import io.mlmesh.featurestore.v1.ViewLookup;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

@QuarkusTest
@WithTestResource(FeatureStoreTestResource.class)
class OnlineFeaturesIT extends GrpcTestBase {

  private static final String SOURCE = "online_flights";
  private static final String DAILY = "online_daily";
  private static final String ONE_SECOND_TTL = "online_ttl_1s";
  private static final String IDEMPOTENT = "online_idempotent";
  private static final Timestamp JAN_10 = at("2001-01-10T00:00:00Z");

  @BeforeEach
  void registerFlights() {
    client.stub().registerSource(Flights.register(SOURCE, Flights.CSV));
    apply(Flights.originView(DAILY, SOURCE).build());
    apply(Flights.originView(ONE_SECOND_TTL, SOURCE).setTtl(Durations.fromSeconds(1)).build());
  }

  @Test
  void getOnlineFeatures_valueSeventeenMinutesOldWithOneSecondTtl_outsideMaxAge() {
    materialize(ONE_SECOND_TTL, null, JAN_10);
    Timestamp eventTime = read(ONE_SECOND_TTL, "ORD", JAN_10).getEventTime();

    EntityFeatures atEventTime = read(ONE_SECOND_TTL, "ORD", eventTime);
    EntityFeatures later = read(ONE_SECOND_TTL, "ORD",
        Timestamps.add(eventTime, Durations.fromMinutes(17)));

    assertEquals("2001-01-09T00:00:00Z", Timestamps.toString(eventTime));
    assertEquals(Collections.nCopies(3, FeatureStatus.FEATURE_STATUS_PRESENT),
        atEventTime.getStatusesList());
    assertTrue(atEventTime.getValues(0) > 0);
    assertEquals(Collections.nCopies(3, FeatureStatus.FEATURE_STATUS_OUTSIDE_MAX_AGE),
        later.getStatusesList());
    assertTrue(later.getValuesList().stream().allMatch(value -> Double.isNaN(value)));
    assertEquals(eventTime, later.getEventTime());
  }

  @Test
  void materializeWithProgress_batchesThenTotals_secondRunWritesNothing() {
    MaterializeRequest request = MaterializeRequest.newBuilder().setView(DAILY)
        .setEnd(JAN_10).build();

    List<MaterializeProgress> first = new ArrayList<>();
    client.stub().materializeWithProgress(request).forEachRemaining(first::add);
    List<MaterializeProgress> second = new ArrayList<>();
    client.stub().materializeWithProgress(request).forEachRemaining(second::add);

    MaterializeProgress last = first.get(first.size() - 1);
    assertTrue(first.size() >= 2, first::toString);
    assertTrue(last.getDone());
    assertTrue(first.subList(0, first.size() - 1).stream().noneMatch(p -> p.getDone()));
    assertEquals(last.getResult().getEntitiesWritten(), last.getEntitiesWritten());
    assertEquals(first.get(first.size() - 2).getEntitiesDone(), last.getEntitiesDone());
    assertTrue(last.getEntitiesDone() > 0 && last.getResult().getRowsRead() > 0,
        last::toString);
    assertEquals(0, second.get(second.size() - 1).getResult().getEntitiesWritten());
    assertStatus(Status.Code.NOT_FOUND, () -> client.stub().materializeWithProgress(
        request.toBuilder().setView("nope").build()).hasNext(), "view 'nope'");
  }

  @Test
  void getOnlineFeatures_unknownEntityAndAsOfBeforeEventTime_missing() {
    materialize(DAILY, null, JAN_10);

    EntityFeatures unknown = read(DAILY, "ZZZ", JAN_10);
    EntityFeatures beforeEvent = read(DAILY, "ORD", at("2001-01-08T12:00:00Z"));

    for (EntityFeatures features : List.of(unknown, beforeEvent)) {
      assertEquals(Collections.nCopies(3, FeatureStatus.FEATURE_STATUS_MISSING),
          features.getStatusesList());
      assertTrue(features.getValuesList().stream().allMatch(value -> Double.isNaN(value)));
      assertFalse(features.hasEventTime());
    }
  }

  @Test
  void getOnlineFeatures_asOfUnset_judgedAgainstNowSoOutsideMaxAge() {
    materialize(DAILY, null, JAN_10);

    GetOnlineFeaturesResponse response = client.stub().getOnlineFeatures(
        GetOnlineFeaturesRequest.newBuilder().addLookups(lookup(DAILY, "ORD")).build());

    assertEquals(FeatureStatus.FEATURE_STATUS_OUTSIDE_MAX_AGE,
        response.getViews(0).getEntities(0).getStatuses(0));
  }

  @Test
  void getOnlineFeatures_manyViewsAndEntities_answersInRequestOrder() {
    materialize(DAILY, null, JAN_10);
    materialize(ONE_SECOND_TTL, null, JAN_10);

    GetOnlineFeaturesResponse response = client.stub().getOnlineFeatures(
        GetOnlineFeaturesRequest.newBuilder()
            .addLookups(lookup(DAILY, "ORD", "ZZZ", "ATL"))
            .addLookups(lookup(ONE_SECOND_TTL, "LAX"))
            .setAsOf(JAN_10)
            .build());

    assertEquals(List.of(DAILY, ONE_SECOND_TTL), response.getViewsList().stream()
        .map(view -> view.getView()).toList());
    assertEquals(List.of("ORD", "ZZZ", "ATL"), response.getViews(0).getEntitiesList().stream()
        .map(EntityFeatures::getEntityKey).toList());
    assertEquals(List.of("flights_7d", "late_share_7d", "mean_delay_7d"),
        response.getViews(0).getFeatureNamesList());
    assertEquals(FeatureStatus.FEATURE_STATUS_PRESENT,
        response.getViews(0).getEntities(2).getStatuses(0));
    assertEquals(FeatureStatus.FEATURE_STATUS_MISSING,
        response.getViews(0).getEntities(1).getStatuses(0));
  }

  @Test
  void materialize_twiceAndThenOlderRange_writesOnceAndNeverGoesBack() {
    apply(Flights.originView(IDEMPOTENT, SOURCE).build());
    Timestamp start = at("2001-01-01T00:00:00Z");
    Timestamp end = at("2001-02-01T00:00:00Z");

    MaterializeResponse first = materialize(IDEMPOTENT, start, end);
    MaterializeResponse second = materialize(IDEMPOTENT, start, end);
    MaterializeResponse older = materialize(IDEMPOTENT, start, JAN_10);

    assertTrue(first.getEntitiesWritten() > 50, "written: " + first.getEntitiesWritten());
    assertTrue(first.getRowsRead() > first.getEntitiesWritten());
    assertEquals(first.getRowsRead(), second.getRowsRead());
    assertEquals(0, second.getEntitiesWritten());
    assertEquals(0, older.getEntitiesWritten());
    assertEquals("2001-01-31T00:00:00Z",
        Timestamps.toString(read(IDEMPOTENT, "ORD", end).getEventTime()));
  }

  @Test
  void getOnlineFeatures_nanValue_missingWhileOthersPresent() throws IOException {
    Path folder = Files.createTempDirectory("mlmesh-test-fs-nulls-");
    Path csv = Files.writeString(folder.resolve("nulls.csv"), """
        date,delay,origin
        2001/01/01 10:00,,AAA
        2001/01/01 11:00,20,BBB
        2001/01/01 12:00,5,BBB
        """);
    client.stub().registerSource(Flights.register("online_nulls", csv));
    FeatureViewSpec spec = Flights.originView("online_nulls_view", "online_nulls")
        .clearAggregations()
        .addAggregations(Aggregation.newBuilder().setName("rows")
            .setFunction(AggregationFunction.AGGREGATION_FUNCTION_COUNT))
        .addAggregations(Aggregation.newBuilder().setName("mean_delay")
            .setFunction(AggregationFunction.AGGREGATION_FUNCTION_MEAN).setColumn("delay"))
        .build();
    apply(spec);
    materialize("online_nulls_view", null, at("2001-01-03T00:00:00Z"));
    FeatureStoreTestResource.deleteTree(folder);

    EntityFeatures withNull = read("online_nulls_view", "AAA", at("2001-01-02T00:00:00Z"));
    EntityFeatures full = read("online_nulls_view", "BBB", at("2001-01-02T00:00:00Z"));

    assertEquals(List.of(FeatureStatus.FEATURE_STATUS_PRESENT,
        FeatureStatus.FEATURE_STATUS_MISSING), withNull.getStatusesList());
    assertEquals(1.0, withNull.getValues(0));
    assertTrue(Double.isNaN(withNull.getValues(1)));
    assertEquals(List.of(2.0, 12.5), full.getValuesList());
  }

  @Test
  void getOnlineFeatures_unknownView_notFoundNamingLookup() {
    assertStatus(Status.Code.NOT_FOUND, () -> client.stub().getOnlineFeatures(
            GetOnlineFeaturesRequest.newBuilder()
                .addLookups(lookup(DAILY, "ORD"))
                .addLookups(lookup("ghost", "ORD"))
                .build()),
        "lookups[1].view 'ghost' does not exist");
  }

  @Test
  void materialize_unknownVersion_notFoundNamingIt() {
    assertStatus(Status.Code.NOT_FOUND, () -> client.stub().materialize(
            MaterializeRequest.newBuilder().setView(DAILY).setVersion(9).build()),
        "view 'online_daily' version 9 does not exist");
  }

  @Test
  void materialize_emptyRange_invalidArgumentNamingBounds() {
    assertStatus(Status.Code.INVALID_ARGUMENT,
        () -> materialize(DAILY, JAN_10, JAN_10),
        "start 2001-01-10T00:00:00Z must be before end 2001-01-10T00:00:00Z");
  }


  private MaterializeResponse materialize(String view, Timestamp start, Timestamp end) {
    MaterializeRequest.Builder request = MaterializeRequest.newBuilder().setView(view);
    if (start != null) {
      request.setStart(start);
    }
    if (end != null) {
      request.setEnd(end);
    }
    return client.stub().materialize(request.build());
  }

  private EntityFeatures read(String view, String entity, Timestamp asOf) {
    return client.stub().getOnlineFeatures(GetOnlineFeaturesRequest.newBuilder()
            .addLookups(lookup(view, entity))
            .setAsOf(asOf)
            .build())
        .getViews(0).getEntities(0);
  }

  private static ViewLookup lookup(String view, String... entities) {
    return ViewLookup.newBuilder().setView(view).addAllEntityKeys(List.of(entities)).build();
  }

  private static Timestamp at(String isoTime) {
    return Timestamps.fromMicros(Flights.micros(isoTime));
  }
}
