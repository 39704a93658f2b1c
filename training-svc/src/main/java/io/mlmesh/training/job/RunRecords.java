package io.mlmesh.training.job;

import io.mlmesh.featurestore.v1.FeatureView;
import io.mlmesh.registry.v1.ModelVersion;
import io.mlmesh.training.data.TrainingSet;
import io.mlmesh.training.registry.VersionRequests;
import io.mlmesh.training.v1.DataPreparation;
import io.mlmesh.training.v1.FeatureViewVersion;
import io.mlmesh.training.v1.ImbalanceKind;
import io.mlmesh.training.v1.Job;
import io.mlmesh.training.v1.JobSpec;
import io.mlmesh.training.v1.MetricPoint;
import io.mlmesh.training.v1.RunArtifact;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a job records as a tracked run besides its state: the parameters it really trained with,
 * the loss history, the data it read (source version, feature view versions, the split and
 * sampling), the artifacts it made, and the tags its registered version carries so that the
 * version names its run and how its data was prepared.
 */
public final class RunRecords {

    /** The XGBoost parameter that weighs the positive class. */
    public static final String POSITIVE_WEIGHT_PARAM = "scale_pos_weight";

    private RunRecords() {
    }

    /** The spec's parameters, plus the positive class's weight under class weights. */
    public static Map<String, String> trainedParams(JobSpec spec, double positiveWeight) {
        Map<String, String> params = new TreeMap<>(spec.getParamsMap());
        if (spec.getImbalance().getKind() == ImbalanceKind.IMBALANCE_KIND_CLASS_WEIGHTS) {
            params.put(POSITIVE_WEIGHT_PARAM, format(positiveWeight));
        }
        return params;
    }

    /**
     * The tags of a registered version: the spec's, then the run id, the split, the imbalance
     * handling and the missing-value marker.
     */
    public static Map<String, String> versionTags(JobSpec spec, String runId,
            double positiveWeight) {
        Map<String, String> tags = new TreeMap<>(spec.getTagsMap());
        tags.put("run_id", runId);
        tags.put("split", spec.getSplit().getKind().name());
        if (DataSplits.cutsTestFromTrain(spec.getSplit())) {
            tags.put("split_test_fraction", format(spec.getSplit().getTestFraction()));
            tags.put("split_seed", Long.toString(spec.getSplit().getSeed()));
        }
        tags.put("imbalance", spec.getImbalance().getKind().name());
        tags.put("positive_weight", format(positiveWeight));
        if (spec.getImbalance().getKind() == ImbalanceKind.IMBALANCE_KIND_DOWNSAMPLE) {
            tags.put("downsample_majority_ratio",
                    format(spec.getImbalance().getMajorityRatio()));
            tags.put("downsample_seed", Long.toString(spec.getImbalance().getSeed()));
        }
        tags.put("missing_value", DataSplits.MISSING_VALUE);
        return tags;
    }

    /** The two points of one boosting round: train and validation loss. */
    public static List<MetricPoint> roundLosses(int round, double trainLoss,
            double validationLoss) {
        return List.of(point("train_loss", round, trainLoss),
                point("validation_loss", round, validationLoss));
    }

    /** The job with what its data step learned: preparation, versions, data artifacts. */
    public static Job withData(Job job, DataPreparation preparation, TrainingSet train,
            TrainingSet test) {
        Job.Builder recorded = job.toBuilder()
                .setPreparation(preparation)
                .setDatasetVersion(train.header().getSource().getContentSha256())
                .addArtifacts(setArtifact("train_set", train))
                .addArtifacts(setArtifact("test_set", test));
        for (FeatureView view : train.header().getViewsList()) {
            recorded.addFeatureViews(FeatureViewVersion.newBuilder()
                    .setName(view.getSpec().getName())
                    .setVersion(view.getVersion()));
        }
        return recorded.build();
    }

    /** The registered bundle as an artifact of the run. */
    public static RunArtifact bundleArtifact(ModelVersion version, byte[] artifact) {
        return RunArtifact.newBuilder()
                .setName("model_bundle")
                .setUri("registry://" + version.getModel() + "/" + version.getVersion())
                .setSha256(VersionRequests.sha256Hex(artifact))
                .setSizeBytes(artifact.length)
                .build();
    }

    private static RunArtifact setArtifact(String name, TrainingSet set) {
        return RunArtifact.newBuilder()
                .setName(name)
                .setUri("featurestore://" + set.header().getSource().getName())
                .setSha256(set.summary().getContentSha256())
                .build();
    }

    private static MetricPoint point(String name, int step, double value) {
        return MetricPoint.newBuilder().setName(name).setStep(step).setValue(value).build();
    }

    private static String format(double value) {
        return Double.toString(value);
    }
}
