package io.mlmesh.core.drift;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;

/**
 * What drift tests need to know about one feature of the reference (training) data, small
 * enough to be stored with a model version as JSON (see {@link ReferenceProfile}). The JSON
 * property {@code kind} ({@code numeric} or {@code categorical}) says which record follows.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "kind")
@JsonSubTypes({
    @JsonSubTypes.Type(value = NumericProfile.class, name = "numeric"),
    @JsonSubTypes.Type(value = CategoricalProfile.class, name = "categorical")
})
public sealed interface FeatureProfile permits NumericProfile, CategoricalProfile {

    /** The feature's name. */
    String feature();

    /** Non-missing values in the reference. */
    long count();

    /** Missing values in the reference. */
    long missingCount();

    FeatureKind featureKind();

    /** The missing share of the reference's values, 0 when it had none. */
    default double missingShare() {
        long total = count() + missingCount();
        return total == 0 ? 0 : (double) missingCount() / total;
    }

    /** Profiles the reference values of one feature. */
    static FeatureProfile of(String feature, FeatureValues values, DriftSettings settings) {
        if (values instanceof NumericValues numeric) {
            return NumericProfile.of(feature, numeric, settings);
        }
        return CategoricalProfile.of(feature, (CategoricalValues) values);
    }
}
