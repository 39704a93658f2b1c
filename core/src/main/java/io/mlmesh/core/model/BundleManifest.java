package io.mlmesh.core.model;

import io.mlmesh.core.transform.FeatureTransform;
import io.mlmesh.core.transform.NumericFit;
import java.util.List;
import java.util.Map;

/**
 * Everything besides the engine's own bytes that serving needs to score a row as training
 * did: the transforms and what they learned from the training rows, the online features to
 * fetch, the label.
 *
 * <p>Fields are only ever added: a manifest written before a field existed reads that field as
 * empty ({@code numericFits} came with the fitted numeric transforms), so older bundles keep
 * loading and give the vectors they gave before.
 *
 * @param family the model family, for example {@code xgboost}
 * @param transforms the model inputs in vector order
 * @param vocabularies categorical vocabularies by transform name, values in index order
 * @param onlineFeatures the feature views read at serving time
 * @param labelColumn the source column the label came from
 * @param labelThreshold the label is 1 when the column is greater than this
 * @param params the training parameters, as given
 * @param numericFits the statistics of the fitted numeric transforms by transform name; empty
 *     in bundles written before they existed
 */
public record BundleManifest(
        String family,
        List<FeatureTransform> transforms,
        Map<String, List<String>> vocabularies,
        List<OnlineFeatureRef> onlineFeatures,
        String labelColumn,
        double labelThreshold,
        Map<String, String> params,
        Map<String, NumericFit> numericFits) {

    public BundleManifest {
        transforms = List.copyOf(transforms);
        vocabularies = Map.copyOf(vocabularies);
        onlineFeatures = List.copyOf(onlineFeatures);
        params = Map.copyOf(params);
        numericFits = numericFits == null ? Map.of() : Map.copyOf(numericFits);
    }

    /** A manifest without fitted numeric transforms, the form of the first bundles. */
    public BundleManifest(String family, List<FeatureTransform> transforms,
            Map<String, List<String>> vocabularies, List<OnlineFeatureRef> onlineFeatures,
            String labelColumn, double labelThreshold, Map<String, String> params) {
        this(family, transforms, vocabularies, onlineFeatures, labelColumn, labelThreshold,
                params, Map.of());
    }
}
