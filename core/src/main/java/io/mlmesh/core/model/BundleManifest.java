package io.mlmesh.core.model;

import io.mlmesh.core.transform.FeatureTransform;
import java.util.List;
import java.util.Map;

/**
 * Everything besides the engine's own bytes that serving needs to score a row as training
 * did: the transforms and their vocabularies, the online features to fetch, the label.
 *
 * @param family the model family, for example {@code xgboost}
 * @param transforms the model inputs in vector order
 * @param vocabularies categorical vocabularies by transform name, values in index order
 * @param onlineFeatures the feature views read at serving time
 * @param labelColumn the source column the label came from
 * @param labelThreshold the label is 1 when the column is greater than this
 * @param params the training parameters, as given
 */
public record BundleManifest(
        String family,
        List<FeatureTransform> transforms,
        Map<String, List<String>> vocabularies,
        List<OnlineFeatureRef> onlineFeatures,
        String labelColumn,
        double labelThreshold,
        Map<String, String> params) {

    public BundleManifest {
        transforms = List.copyOf(transforms);
        vocabularies = Map.copyOf(vocabularies);
        onlineFeatures = List.copyOf(onlineFeatures);
        params = Map.copyOf(params);
    }
}
