package io.mlmesh.training.registry;

import io.mlmesh.core.model.BundleManifest;
import io.mlmesh.core.model.ModelBundle;
import io.mlmesh.core.model.OnlineFeatureRef;
import io.mlmesh.core.transform.FeatureVectorizer;
import io.mlmesh.featurestore.v1.FeatureView;
import io.mlmesh.featurestore.v1.GetTrainingSetRequest;
import io.mlmesh.featurestore.v1.ViewJoin;
import io.mlmesh.registry.v1.ArtifactInfo;
import io.mlmesh.registry.v1.DatasetRef;
import io.mlmesh.registry.v1.FeatureViewRef;
import io.mlmesh.registry.v1.Lineage;
import io.mlmesh.registry.v1.RegisterVersionHeader;
import io.mlmesh.training.data.LabelRule;
import io.mlmesh.training.data.TrainingSet;
import io.mlmesh.training.mlp.MlpParams;
import io.mlmesh.training.xgboost.XgboostParams;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * Builds what a registration carries: the model bundle (manifest and engine bytes in one
 * artifact) and the version header with its digest, parameters, metrics and lineage.
 */
public final class VersionRequests {

    /**
     * The family name bundles of this trainer carry: the engine inference loads. Which model
     * the engine holds (trees, logistic regression) is the {@code model_family} parameter and
     * tag.
     */
    public static final String XGBOOST_FAMILY = "xgboost";

    /** The family name of MLP bundles: inference loads them with DJL on PyTorch. */
    public static final String MLP_FAMILY = MlpParams.FAMILY;

    private VersionRequests() {
    }

    /**
     * A bundle whose manifest lets serving rebuild the training vectors: the transforms, what
     * they learned from the training rows (vocabularies, numeric statistics, bucket edges) and,
     * for each view joined into the training set, the exact view version and feature names the
     * model trained on.
     *
     * @throws IllegalArgumentException when the training set lacks a joined view
     */
    public static ModelBundle bundle(FeatureVectorizer vectorizer, GetTrainingSetRequest request,
            TrainingSet train, LabelRule label, Map<String, String> params, byte[] modelBytes) {
        BundleManifest manifest = new BundleManifest(engineFamily(params), vectorizer.transforms(),
                ModelBundle.vocabulariesOf(vectorizer), onlineFeatures(request, train),
                label.column(), label.threshold(), params, vectorizer.numericFits());
        return new ModelBundle(manifest, modelBytes);
    }

    /** The header of an upload of {@code artifact}, declaring its digest and size. */
    public static RegisterVersionHeader header(VersionMetadata metadata, byte[] artifact) {
        return RegisterVersionHeader.newBuilder()
                .setModel(metadata.model())
                .setArtifact(ArtifactInfo.newBuilder()
                        .setSha256(sha256Hex(artifact))
                        .setSizeBytes(artifact.length)
                        .setFormat(ModelBundle.FORMAT))
                .putAllParams(metadata.params())
                .putAllMetrics(metadata.metrics())
                .putTags("family", engineFamily(metadata.params()))
                .putTags(XgboostParams.MODEL_FAMILY, metadata.params().getOrDefault(
                        XgboostParams.MODEL_FAMILY, XgboostParams.TREES_FAMILY))
                .setDescription(metadata.description())
                .setLineage(lineage(metadata))
                .build();
    }

    /** The engine family of a job's (completed) params: {@code mlp} or {@code xgboost}. */
    public static String engineFamily(Map<String, String> params) {
        return MLP_FAMILY.equals(params.get(XgboostParams.MODEL_FAMILY)) ? MLP_FAMILY
                : XGBOOST_FAMILY;
    }

    /** The lowercase hex SHA-256 of the bytes. */
    public static String sha256Hex(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }

    private static Lineage lineage(VersionMetadata metadata) {
        Lineage.Builder lineage = Lineage.newBuilder().setRunId(metadata.runId())
                .addDatasets(datasetRef("train", metadata.train()))
                .addDatasets(datasetRef("test", metadata.test()));
        for (FeatureView view : metadata.train().header().getViewsList()) {
            lineage.addFeatureViews(FeatureViewRef.newBuilder()
                    .setName(view.getSpec().getName())
                    .setVersion(view.getVersion()));
        }
        return lineage.build();
    }

    private static DatasetRef datasetRef(String role, TrainingSet set) {
        return DatasetRef.newBuilder()
                .setName(set.header().getSource().getName())
                .setRole(role)
                .setContentSha256(set.summary().getContentSha256())
                .setRowCount(set.summary().getRowCount())
                .build();
    }

    private static List<OnlineFeatureRef> onlineFeatures(GetTrainingSetRequest request,
            TrainingSet train) {
        List<OnlineFeatureRef> refs = new ArrayList<>();
        for (ViewJoin join : request.getJoinsList()) {
            FeatureView view = train.header().getViewsList().stream()
                    .filter(candidate -> candidate.getSpec().getName().equals(join.getView()))
                    .findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("training set header has no"
                            + " view '" + join.getView() + "' although the request joins it"));
            refs.add(new OnlineFeatureRef(view.getSpec().getName(), view.getVersion(),
                    join.getEntityColumn(), view.getFeatureNamesList()));
        }
        return refs;
    }
}
