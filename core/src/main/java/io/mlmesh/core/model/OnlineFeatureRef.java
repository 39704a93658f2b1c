package io.mlmesh.core.model;

import java.util.List;

/**
 * A feature view a model reads online, and which request field holds its entity key.
 *
 * @param view the feature view's name
 * @param version the exact view version the model trained on
 * @param entityColumn the request field (source column) that holds the entity key
 * @param featureNames the view's features, in the view's order
 */
public record OnlineFeatureRef(String view, int version, String entityColumn,
        List<String> featureNames) {

    public OnlineFeatureRef {
        featureNames = List.copyOf(featureNames);
    }

    /** The column name a feature of this view has in training sets and model inputs. */
    public String columnOf(String feature) {
        return view + "__" + feature;
    }
}
