package io.mlmesh.training.data;

import io.grpc.StatusRuntimeException;
import io.mlmesh.featurestore.v1.FeatureStoreGrpc;
import io.mlmesh.featurestore.v1.GetTrainingSetRequest;
import io.mlmesh.featurestore.v1.TrainingSetChunk;
import io.mlmesh.featurestore.v1.TrainingSetHeader;
import io.mlmesh.featurestore.v1.TrainingSetSummary;
import io.mlmesh.training.config.TrainingConfig;
import io.mlmesh.training.job.JobFailedException;
import io.quarkus.grpc.GrpcClient;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Downloads training sets from the feature store (gRPC client {@code featurestore}) and keeps
 * them whole in memory: the vocabularies must see every training row before any row can be
 * vectorized. Blocking; called from the job runner's thread, never from an event loop.
 */
@ApplicationScoped
public class TrainingSetReader {

    private final FeatureStoreGrpc.FeatureStoreBlockingStub featureStore;
    private final TrainingConfig config;

    @Inject
    public TrainingSetReader(@GrpcClient("featurestore")
            FeatureStoreGrpc.FeatureStoreBlockingStub featureStore, TrainingConfig config) {
        this.featureStore = featureStore;
        this.config = config;
    }

    /**
     * Streams one training set to its end.
     *
     * @param role what the set is for (train or test), used in error messages
     * @throws JobFailedException when the feature store fails or the stream is malformed
     */
    public TrainingSet read(String role, GetTrainingSetRequest request) {
        try {
            return collect(role, featureStore
                    .withDeadlineAfter(config.peerTimeout().toMillis(), TimeUnit.MILLISECONDS)
                    .getTrainingSet(request));
        } catch (StatusRuntimeException e) {
            throw new JobFailedException("feature store GetTrainingSet for the " + role
                    + " set (source " + request.getSource() + ") failed: " + e.getStatus()
                    .getCode() + ": " + e.getStatus().getDescription(), e);
        }
    }

    private static TrainingSet collect(String role, Iterator<TrainingSetChunk> stream) {
        TrainingSetHeader header = null;
        TrainingSetSummary summary = null;
        List<TrainingSetChunk> batches = new ArrayList<>();
        while (stream.hasNext()) {
            TrainingSetChunk chunk = stream.next();
            if (chunk.hasHeader()) {
                header = chunk.getHeader();
            }
            if (chunk.getRowCount() > 0) {
                batches.add(chunk);
            }
            if (chunk.hasSummary()) {
                summary = chunk.getSummary();
            }
        }
        if (header == null || summary == null) {
            throw new JobFailedException("feature store stream for the " + role + " set lacks "
                    + (header == null ? "its header" : "its summary"));
        }
        TrainingSet set = new TrainingSet(header, batches, summary);
        if (set.rowCount() != summary.getRowCount()) {
            throw new JobFailedException("feature store stream for the " + role + " set carried "
                    + set.rowCount() + " rows but its summary says " + summary.getRowCount());
        }
        return set;
    }
}
