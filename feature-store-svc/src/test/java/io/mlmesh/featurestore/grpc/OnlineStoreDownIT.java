package io.mlmesh.featurestore.grpc;

import static io.mlmesh.featurestore.GrpcTestClient.assertStatus;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.grpc.Status;
import io.mlmesh.featurestore.FeatureStoreTestResource;
import io.mlmesh.featurestore.Flights;
import io.mlmesh.featurestore.GrpcTestBase;
import io.mlmesh.featurestore.v1.GetFeatureViewRequest;
import io.mlmesh.featurestore.v1.GetOnlineFeaturesRequest;
import io.mlmesh.featurestore.v1.ViewLookup;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The asynchronous online read path when Redis cannot be reached: the failure completes on
 * Lettuce's side and must still reach the caller as UNAVAILABLE naming the store, every time,
 * while calls that need no Redis keep working.
 */
@QuarkusTest
@TestProfile(OnlineStoreDownIT.RedisDown.class)
@WithTestResource(FeatureStoreTestResource.class)
class OnlineStoreDownIT extends GrpcTestBase {

  /** Points the online store at a port where nothing listens. */
  public static final class RedisDown implements QuarkusTestProfile {

    @Override
    public Map<String, String> getConfigOverrides() {
      return Map.of("mlmesh.featurestore.redis-url", "redis://127.0.0.1:1");
    }
  }

  @Test
  void getOnlineFeatures_redisDown_unavailableNamingTheStoreOnEveryCall() {
    client.stub().registerSource(Flights.register("down_flights", Flights.CSV));
    apply(Flights.originView("down_view", "down_flights").build());
    GetOnlineFeaturesRequest request = GetOnlineFeaturesRequest.newBuilder()
        .addLookups(ViewLookup.newBuilder().setView("down_view").addEntityKeys("ORD"))
        .build();

    for (int call = 0; call < 2; call++) {
      assertStatus(Status.Code.UNAVAILABLE, () -> client.stub().getOnlineFeatures(request),
          "online store redis at 127.0.0.1:1 is unavailable");
    }
    assertEquals(1, client.stub().getFeatureView(GetFeatureViewRequest.newBuilder()
        .setName("down_view").build()).getVersion());
  }
}
