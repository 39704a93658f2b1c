package io.mlmesh.inference.features;

import com.google.protobuf.Timestamp;
import io.grpc.Deadline;
import io.grpc.StatusRuntimeException;
import io.mlmesh.featurestore.v1.FeatureStoreGrpc.FeatureStoreBlockingStub;
import io.mlmesh.featurestore.v1.GetOnlineFeaturesRequest;
import io.mlmesh.featurestore.v1.GetOnlineFeaturesResponse;
import io.mlmesh.inference.CallerDeadline;
import io.mlmesh.inference.InferenceException;
import io.mlmesh.inference.config.InferenceConfig;
import io.quarkus.grpc.GrpcClient;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.concurrent.TimeUnit;

/**
 * Reads a prediction's online features in one feature store round trip.
 *
 * <p>The call runs under the caller's own gRPC deadline ({@link CallerDeadline}), so a Predict
 * never waits for features longer than its caller waits for the answer; a caller without a
 * deadline gets {@code mlmesh.inference.feature-timeout-millis}. Safe for any number of
 * threads: the stub is shared, a deadline-bearing copy of it is cheap.
 */
@ApplicationScoped
public class FeatureStoreReader {

    private final FeatureStoreBlockingStub featureStore;
    private final long defaultTimeoutMillis;

    @Inject
    public FeatureStoreReader(@GrpcClient("featurestore") FeatureStoreBlockingStub featureStore,
            InferenceConfig config) {
        this.featureStore = featureStore;
        this.defaultTimeoutMillis = config.featureTimeoutMillis();
    }

    /**
     * The features of the given entities; an entity the store does not know reads as missing.
     *
     * @param entityKeys the entity key per view of the plan, null where the request has none
     * @param asOf the time freshness is judged against, or null for now
     * @throws InferenceException DEADLINE_EXCEEDED, UNAVAILABLE or FAILED_PRECONDITION
     */
    public OnlineFeatures read(OnlineFeaturePlan plan, String[] entityKeys, Timestamp asOf) {
        GetOnlineFeaturesRequest request = plan.requestFor(entityKeys, asOf);
        if (request == null) {
            return OnlineFeatures.allMissing(plan.slotCount());
        }

        GetOnlineFeaturesResponse response;
        try {
            response = withCallerDeadline().getOnlineFeatures(request);
        } catch (StatusRuntimeException e) {
            throw InferenceException.fromFeatureStore(e);
        }
        return plan.read(response, entityKeys);
    }

    private FeatureStoreBlockingStub withCallerDeadline() {
        Deadline callerDeadline = CallerDeadline.current();
        if (callerDeadline == null) {
            return featureStore.withDeadlineAfter(defaultTimeoutMillis, TimeUnit.MILLISECONDS);
        }
        if (callerDeadline.isExpired()) {
            throw new InferenceException(InferenceException.Reason.DEADLINE_EXCEEDED,
                    "deadline expired before the online features were read");
        }
        return featureStore.withDeadline(callerDeadline);
    }
}
