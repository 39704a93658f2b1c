package io.mlmesh.cli.demo;

import io.mlmesh.core.model.ModelBundle;
import io.mlmesh.core.transform.FeatureTransform;
import io.mlmesh.core.transform.FeatureVectorizer;
import io.mlmesh.core.transform.RowView;
import io.mlmesh.registry.v1.ArtifactChunk;
import io.mlmesh.registry.v1.GetVersionRequest;
import io.mlmesh.registry.v1.ModelVersion;
import io.mlmesh.registry.v1.RegistryGrpc;
import io.mlmesh.registry.v1.VersionSelector;
import java.io.ByteArrayOutputStream;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * The model inputs the view's features become in the served model, computed from an offline
 * row with core's vectorizer and the fitted state the registered bundle carries: the raw value
 * for the trees, the standardized one for the MLP. The replay compares them with what
 * {@code Predict} used, so that online and offline features are checked whatever transform the
 * model applies to them.
 */
final class ViewInputs {

    private final FeatureVectorizer vectorizer;

    private ViewInputs(FeatureVectorizer vectorizer) {
        this.vectorizer = vectorizer;
    }

    /** The view's inputs of a registered version, read from its bundle in the registry. */
    static ViewInputs of(RegistryGrpc.RegistryBlockingStub registry, ModelVersion version) {
        ModelBundle bundle = ModelBundle.fromBytes(download(registry, version));
        List<FeatureTransform> viewTransforms = FlightsDemo.VIEW_FEATURES.stream()
                .map(feature -> transformOf(bundle, FlightsDemo.VIEW + "__" + feature))
                .toList();
        return new ViewInputs(new FeatureVectorizer(viewTransforms, Map.of(),
                bundle.manifest().numericFits()));
    }

    /** The model inputs of the view's features of an offline row, in the view's order. */
    float[] of(FlightRow row) {
        return vectorizer.vectorize(new RowView() {
            @Override
            public double number(String column) {
                int feature = FlightsDemo.VIEW_FEATURES.indexOf(
                        column.substring(FlightsDemo.VIEW.length() + 2));
                return row.offlineFeatures()[feature];
            }

            @Override
            public String text(String column) {
                return null;
            }

            @Override
            public long timeMicros(String column) {
                return MISSING_TIME;
            }
        });
    }

    private static FeatureTransform transformOf(ModelBundle bundle, String name) {
        return bundle.manifest().transforms().stream()
                .filter(transform -> transform.name().equals(name))
                .findFirst()
                .orElseThrow(() -> new IllegalStateException("the model has no input " + name));
    }

    private static byte[] download(RegistryGrpc.RegistryBlockingStub registry,
            ModelVersion version) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        Iterator<ArtifactChunk> chunks = registry.downloadArtifact(GetVersionRequest.newBuilder()
                .setModel(version.getModel())
                .setSelector(VersionSelector.newBuilder().setVersion(version.getVersion()))
                .build());
        chunks.forEachRemaining(chunk -> bytes.writeBytes(chunk.getData().toByteArray()));
        return bytes.toByteArray();
    }
}
