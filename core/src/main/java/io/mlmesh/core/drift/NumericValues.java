package io.mlmesh.core.drift;

import java.util.Arrays;

/** Numbers of one feature; NaN and infinities are missing. Held sorted. */
public final class NumericValues implements FeatureValues {

    private final double[] sortedPresent;
    private final long missingCount;

    private NumericValues(double[] sortedPresent, long missingCount) {
        this.sortedPresent = sortedPresent;
        this.missingCount = missingCount;
    }

    /** The values, copied; NaN and infinite ones count as missing. */
    public static NumericValues of(double... values) {
        double[] present = Arrays.stream(values).filter(Double::isFinite).sorted().toArray();
        return new NumericValues(present, values.length - present.length);
    }

    @Override
    public FeatureKind kind() {
        return FeatureKind.NUMERIC;
    }

    @Override
    public long presentCount() {
        return sortedPresent.length;
    }

    @Override
    public long missingCount() {
        return missingCount;
    }

    /** The present values in ascending order; the caller must not change the array. */
    double[] sortedPresent() {
        return sortedPresent;
    }
}
