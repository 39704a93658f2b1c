package io.mlmesh.featurestore.grpc;

import static io.mlmesh.featurestore.GrpcTestClient.doubles;
import static io.mlmesh.featurestore.GrpcTestClient.micros;
import static io.mlmesh.featurestore.GrpcTestClient.strings;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.util.Durations;
import com.google.protobuf.util.Timestamps;
import io.mlmesh.featurestore.FeatureStoreTestResource;
import io.mlmesh.featurestore.Flights;
import io.mlmesh.featurestore.GrpcTestBase;
import io.mlmesh.featurestore.GrpcTestClient;
import io.mlmesh.featurestore.v1.EntityFeatures;
import io.mlmesh.featurestore.v1.FeatureStatus;
import io.mlmesh.featurestore.v1.GetOnlineFeaturesRequest;
import io.mlmesh.featurestore.v1.GetOnlineFeaturesResponse;
import io.mlmesh.featurestore.v1.GetTrainingSetRequest;
import io.mlmesh.featurestore.v1.MaterializeRequest;
import io.mlmesh.featurestore.v1.TrainingSetChunk;
import io.mlmesh.featurestore.v1.ViewJoin;
import io.mlmesh.featurestore.v1.ViewLookup;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Offline/online parity on real flights: materializing day by day in time order, the online
 * values served as of a training row's time equal that row's training values, NaNs included.
 */
@QuarkusTest
@WithTestResource(FeatureStoreTestResource.class)
class ParityIT extends GrpcTestBase {

  private static final String SOURCE = "parity_flights";
  private static final List<String> VIEWS = List.of("parity_daily", "parity_fresh");
  private static final int ROWS_CHECKED_PER_DAY = 20;
  private static final long DAY = Flights.DAY_MICROS;

  @Test
  void getOnlineFeatures_materializedUpToRowDay_equalsTrainingRowValues() {
    client.stub().registerSource(Flights.register(SOURCE, Flights.CSV));
    apply(Flights.originView(VIEWS.get(0), SOURCE).build());
    apply(Flights.originView(VIEWS.get(1), SOURCE).setTtl(Durations.fromHours(2)).build());
    List<TrainingSetChunk> training = client.trainingSet(GetTrainingSetRequest.newBuilder()
        .setSource(SOURCE)
        .addColumns("origin")
        .addJoins(ViewJoin.newBuilder().setView(VIEWS.get(0)))
        .addJoins(ViewJoin.newBuilder().setView(VIEWS.get(1)))
        .build());

    int checked = checkDayByDay(client, training);

    assertTrue(checked > 1700, "rows checked: " + checked);
  }

  private static int checkDayByDay(GrpcTestClient client, List<TrainingSetChunk> training) {
    long[] times = micros(training, "date");
    List<String> origins = strings(training, "origin");
    double[][] features = featureColumns(training);
    int checked = 0;
    int row = 0;
    for (long day = Math.floorDiv(times[0], DAY) * DAY; row < times.length; day += DAY) {
      materializeDay(client, day);
      int checkedToday = 0;
      for (; row < times.length && times[row] < day + DAY; row++) {
        if (checkedToday < ROWS_CHECKED_PER_DAY) {
          assertParity(client, times[row], origins.get(row), features, row);
          checkedToday++;
        }
      }
      checked += checkedToday;
    }
    return checked;
  }

  private static void materializeDay(GrpcTestClient client, long dayMicros) {
    for (String view : VIEWS) {
      client.stub().materialize(MaterializeRequest.newBuilder()
          .setView(view)
          .setStart(Timestamps.fromMicros(dayMicros))
          .setEnd(Timestamps.fromMicros(dayMicros + DAY))
          .build());
    }
  }

  private static void assertParity(GrpcTestClient client, long timeMicros, String origin,
      double[][] features, int row) {
    GetOnlineFeaturesRequest.Builder request = GetOnlineFeaturesRequest.newBuilder()
        .setAsOf(Timestamps.fromMicros(timeMicros));
    VIEWS.forEach(view -> request.addLookups(
        ViewLookup.newBuilder().setView(view).addEntityKeys(origin)));

    GetOnlineFeaturesResponse response = client.stub().getOnlineFeatures(request.build());

    for (int v = 0; v < VIEWS.size(); v++) {
      EntityFeatures online = response.getViews(v).getEntities(0);
      double[] offline = {features[3 * v][row], features[3 * v + 1][row], features[3 * v + 2][row]};
      double[] served = online.getValuesList().stream().mapToDouble(value -> value).toArray();
      String where = VIEWS.get(v) + " row " + row + " origin " + origin + " at "
          + Timestamps.toString(Timestamps.fromMicros(timeMicros)) + " statuses "
          + online.getStatusesList();
      assertArrayEquals(offline, served, where);
      for (int f = 0; f < offline.length; f++) {
        assertEquals(!Double.isNaN(offline[f]),
            online.getStatuses(f) == FeatureStatus.FEATURE_STATUS_PRESENT, where);
      }
    }
  }

  private static double[][] featureColumns(List<TrainingSetChunk> training) {
    double[][] columns = new double[3 * VIEWS.size()][];
    for (int v = 0; v < VIEWS.size(); v++) {
      String prefix = VIEWS.get(v) + "__";
      columns[3 * v] = doubles(training, prefix + "flights_7d");
      columns[3 * v + 1] = doubles(training, prefix + "late_share_7d");
      columns[3 * v + 2] = doubles(training, prefix + "mean_delay_7d");
    }
    return columns;
  }
}
