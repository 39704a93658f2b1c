package io.mlmesh.inference;

import io.grpc.Context;
import io.grpc.Deadline;
import io.grpc.stub.StreamObserver;
import io.mlmesh.featurestore.v1.EntityFeatures;
import io.mlmesh.featurestore.v1.FeatureStatus;
import io.mlmesh.featurestore.v1.FeatureStoreGrpc;
import io.mlmesh.featurestore.v1.GetOnlineFeaturesRequest;
import io.mlmesh.featurestore.v1.GetOnlineFeaturesResponse;
import io.mlmesh.featurestore.v1.ViewFeatures;
import io.mlmesh.featurestore.v1.ViewLookup;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;

/**
 * A feature store stand-in answering GetOnlineFeatures from a map of origin statistics: a
 * known key is PRESENT, the key {@link #STALE} is OUTSIDE_MAX_AGE, {@link #SLOW} answers late,
 * any other key is MISSING. It
 * records each request and the deadline it arrived with. The real feature store is exercised
 * by the lead's end-to-end test.
 */
public final class FakeFeatureStore extends FeatureStoreGrpc.FeatureStoreImplBase {

    /** An entity whose values exist but are too old. */
    public static final String STALE = "STALE";

    /** An entity whose lookup takes {@link #SLOW_MILLIS}, longer than the service waits. */
    public static final String SLOW = "SLOW";
    static final long SLOW_MILLIS = 1500;

    /** A request as received, with the caller's remaining time (-1 without a deadline). */
    public record Received(GetOnlineFeaturesRequest request, long remainingMillis) {
    }

    private final Map<String, double[]> valuesByKey;
    private final ConcurrentLinkedQueue<Received> received = new ConcurrentLinkedQueue<>();

    public FakeFeatureStore(Map<String, double[]> valuesByKey) {
        this.valuesByKey = Map.copyOf(valuesByKey);
    }

    /** Removes and returns what arrived so far. */
    public List<Received> drain() {
        List<Received> all = List.copyOf(received);
        received.clear();
        return all;
    }

    @Override
    public void getOnlineFeatures(GetOnlineFeaturesRequest request,
            StreamObserver<GetOnlineFeaturesResponse> observer) {
        Deadline deadline = Context.current().getDeadline();
        received.add(new Received(request,
                deadline == null ? -1 : deadline.timeRemaining(TimeUnit.MILLISECONDS)));
        if (request.getLookups(0).getEntityKeysList().contains(SLOW)) {
            sleepPastDeadline();
        }
        GetOnlineFeaturesResponse.Builder response = GetOnlineFeaturesResponse.newBuilder();
        for (ViewLookup lookup : request.getLookupsList()) {
            ViewFeatures.Builder view = ViewFeatures.newBuilder()
                    .setView(lookup.getView())
                    .setVersion(lookup.getVersion())
                    .addAllFeatureNames(FlightsModel.ORIGIN_STATS.featureNames());
            lookup.getEntityKeysList().forEach(key -> view.addEntities(entity(key)));
            response.addViews(view);
        }
        observer.onNext(response.build());
        observer.onCompleted();
    }

    private static void sleepPastDeadline() {
        try {
            Thread.sleep(SLOW_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private EntityFeatures entity(String key) {
        double[] values = valuesByKey.get(key);
        EntityFeatures.Builder entity = EntityFeatures.newBuilder().setEntityKey(key);
        for (int i = 0; i < FlightsModel.ORIGIN_STATS.featureNames().size(); i++) {
            entity.addValues(values == null ? Double.NaN : values[i]);
            entity.addStatuses(values != null ? FeatureStatus.FEATURE_STATUS_PRESENT
                    : STALE.equals(key) ? FeatureStatus.FEATURE_STATUS_OUTSIDE_MAX_AGE
                            : FeatureStatus.FEATURE_STATUS_MISSING);
        }
        return entity.build();
    }
}
