package io.mlmesh.core.drift;

import java.util.Map;
import java.util.TreeMap;

/**
 * What the served traffic of one model version is compared with: the profiles of the columns
 * the model reads, taken over its training rows, how each column's served value is read, and
 * the profile of the model's score over its test rows (prediction drift). Training writes it
 * into the model bundle; the monitor reads it back with {@link #fromJson}.
 *
 * @param features one profile per column the model reads
 * @param readings how each profiled column's values are read; one entry per profiled column
 * @param prediction the profile of the positive-class score
 * @param predictionRows which rows the score profile came from, for example {@code test}
 */
public record ModelReference(ReferenceProfile features, Map<String, ValueReading> readings,
        NumericProfile prediction, String predictionRows) {

    public ModelReference {
        readings = new TreeMap<>(readings);
        for (FeatureProfile profile : features.features()) {
            ValueReading reading = readings.get(profile.feature());
            if (reading == null || reading.kind() != profile.featureKind()) {
                throw new IllegalArgumentException("feature " + profile.feature() + " is "
                        + profile.featureKind() + " but its reading is " + reading);
            }
        }
        readings = Map.copyOf(readings);
    }

    /** The reference as UTF-8 JSON. */
    public byte[] toJson() {
        return DriftJson.write(this, "model reference");
    }

    /**
     * Reads a reference written by {@link #toJson()}.
     *
     * @throws IllegalArgumentException when the bytes are not a valid reference
     */
    public static ModelReference fromJson(byte[] json) {
        return DriftJson.read(json, ModelReference.class, "model reference");
    }
}
