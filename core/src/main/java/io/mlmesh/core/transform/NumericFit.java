package io.mlmesh.core.transform;

import java.util.List;

/**
 * What a numeric transform ({@link TransformKind#STANDARDIZE}, {@link TransformKind#MIN_MAX},
 * {@link TransformKind#BUCKETIZE}) learned from the finite training values of its column. Every
 * figure is kept for every such kind, so that a bundle shows what its model was fed; each kind
 * reads only its own.
 *
 * @param count the number of finite training values
 * @param mean their mean
 * @param standardDeviation their population standard deviation (divided by {@code count})
 * @param min the smallest
 * @param max the largest
 * @param bucketEdges the ascending, distinct bucket edges of {@link TransformKind#BUCKETIZE};
 *     empty for the other kinds
 */
public record NumericFit(long count, double mean, double standardDeviation, double min,
        double max, List<Double> bucketEdges) {

    public NumericFit {
        bucketEdges = bucketEdges == null ? List.of() : List.copyOf(bucketEdges);
    }

    /** Whether every training value was the same, so that scaling has nothing to divide by. */
    public boolean constant() {
        return min == max;
    }
}
