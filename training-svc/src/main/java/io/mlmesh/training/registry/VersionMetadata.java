package io.mlmesh.training.registry;

import io.mlmesh.training.data.TrainingSet;
import java.util.Map;

/**
 * What a registered version records besides its bytes.
 *
 * @param model the registry model
 * @param runId the job that trained the version
 * @param description free text from the job spec
 * @param params the training parameters, defaults included
 * @param metrics the evaluation on the test set
 * @param train the training set, for its content hash, row count and feature views
 * @param test the test set, for its content hash and row count
 */
public record VersionMetadata(String model, String runId, String description,
        Map<String, String> params, Map<String, Double> metrics, TrainingSet train,
        TrainingSet test) {

    public VersionMetadata {
        params = Map.copyOf(params);
        metrics = Map.copyOf(metrics);
    }
}
