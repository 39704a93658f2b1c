package io.mlmesh.bench.featurestore;

import com.google.protobuf.Timestamp;
import io.mlmesh.featurestore.v1.EntityFeatures;
import io.mlmesh.featurestore.v1.FeatureStatus;
import io.mlmesh.featurestore.v1.FeatureStoreGrpc;
import io.mlmesh.featurestore.v1.GetOnlineFeaturesRequest;
import io.mlmesh.featurestore.v1.GetOnlineFeaturesResponse;
import io.mlmesh.featurestore.v1.ViewLookup;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.HdrHistogram.Histogram;

/**
 * Times {@code GetOnlineFeatures} calls one after another from one client thread over one
 * channel: the latency of a single caller, not of a loaded server. Each call asks for random
 * loans of the wide view (a fixed seed, so two runs ask the same), and every answer is checked:
 * a value for each feature of each entity, and some of them present, so a benchmark of empty or
 * failed answers cannot pass as fast. Not thread-safe: one caller, as measured.
 */
final class OnlineReads {

  private static final long SEED = 20_011_231L;

  private final FeatureStoreGrpc.FeatureStoreBlockingStub stub;
  private final int viewVersion;
  private final int entityCount;
  private final Timestamp asOf;
  private final SplittableRandom random = new SplittableRandom(SEED);

  OnlineReads(FeatureStoreGrpc.FeatureStoreBlockingStub stub, int viewVersion, int entityCount,
      Timestamp asOf) {
    this.stub = stub;
    this.viewVersion = viewVersion;
    this.entityCount = entityCount;
    this.asOf = asOf;
  }

  /** Makes {@code calls} untimed calls, each for {@code entitiesPerCall} random loans. */
  void warmUp(int entitiesPerCall, int calls) {
    for (int i = 0; i < calls; i++) {
      check(stub.getOnlineFeatures(request(random, entitiesPerCall)), entitiesPerCall);
    }
  }

  /** Makes {@code calls} timed calls, each for {@code entitiesPerCall} distinct random loans. */
  Series run(int entitiesPerCall, int calls) {
    Histogram nanos = Series.newHistogram();
    long startNanos = System.nanoTime();
    for (int i = 0; i < calls; i++) {
      GetOnlineFeaturesRequest request = request(random, entitiesPerCall);
      long callStartNanos = System.nanoTime();
      GetOnlineFeaturesResponse response = stub.getOnlineFeatures(request);
      nanos.recordValue(System.nanoTime() - callStartNanos);
      check(response, entitiesPerCall);
    }
    return new Series(nanos, (System.nanoTime() - startNanos) / 1e9);
  }

  private GetOnlineFeaturesRequest request(SplittableRandom random, int entitiesPerCall) {
    ViewLookup.Builder lookup = ViewLookup.newBuilder()
        .setView(LendingClubView.VIEW)
        .setVersion(viewVersion);
    for (String entity : distinctEntities(random, entitiesPerCall)) {
      lookup.addEntityKeys(entity);
    }
    return GetOnlineFeaturesRequest.newBuilder().addLookups(lookup).setAsOf(asOf).build();
  }

  private List<String> distinctEntities(SplittableRandom random, int count) {
    int first = random.nextInt(entityCount);
    List<String> entities = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      entities.add(String.valueOf((first + i * 97L) % entityCount + 1));
    }
    return entities;
  }

  private static void check(GetOnlineFeaturesResponse response, int entitiesPerCall) {
    List<EntityFeatures> entities = response.getViews(0).getEntitiesList();
    if (entities.size() != entitiesPerCall) {
      throw new IllegalStateException("asked for " + entitiesPerCall + " entities, got "
          + entities.size());
    }
    long present = 0;
    for (EntityFeatures entity : entities) {
      if (entity.getValuesCount() != LendingClubView.FEATURE_COUNT) {
        throw new IllegalStateException("entity " + entity.getEntityKey() + " has "
            + entity.getValuesCount() + " values, not " + LendingClubView.FEATURE_COUNT);
      }
      present += entity.getStatusesList().stream()
          .filter(status -> status == FeatureStatus.FEATURE_STATUS_PRESENT)
          .count();
    }
    if (present == 0) {
      throw new IllegalStateException("no feature present in an answer: " + response);
    }
  }

  /** The online-store key of a loan, as the feature store's Redis layout names it. */
  static String redisKey(String keyPrefix, int viewVersion, String entity) {
    return keyPrefix + "fs:" + LendingClubView.VIEW + ":" + viewVersion + ":" + entity;
  }

  /** The loans of one call: every loan's packed row has the same size, so any call will do. */
  List<String> entitiesOfOneCall(int entitiesPerCall) {
    return distinctEntities(new SplittableRandom(SEED), entitiesPerCall);
  }
}
