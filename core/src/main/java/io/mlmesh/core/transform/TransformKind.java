package io.mlmesh.core.transform;

/**
 * How model inputs are computed from a source column. Every kind but {@link #ONE_HOT} gives one
 * input; a missing source value gives NaN, which engines read as missing (never as zero). No
 * kind has a slot of its own for a missing value: the out-of-vocabulary slots of
 * {@link #ONE_HOT} and {@link #INTEGER_ENCODING} are for present values not seen at training.
 * An empty text counts as missing, the same on every path.
 *
 * <p>Fitted kinds learn their state from the training rows only ({@link FeatureVectorizer#fit});
 * the state travels in the model bundle and serving applies it unchanged.
 */
public enum TransformKind {
    /** The numeric value as it is; missing stays missing. */
    NUMERIC,
    /** Hour of day, 0 to 23, of a timestamp (UTC). */
    HOUR_OF_DAY,
    /** Day of week, 1 (Monday) to 7, of a timestamp (UTC). */
    DAY_OF_WEEK,
    /** Month, 1 to 12, of a timestamp (UTC). */
    MONTH,
    /**
     * Index of a string value in a vocabulary learned at training; a value outside the
     * vocabulary is missing.
     */
    CATEGORY_INDEX,
    /**
     * {@code (x - mean) / sd} with the mean and the population standard deviation of the
     * training values; a column whose training values are all equal gives 0.
     */
    STANDARDIZE,
    /**
     * {@code (x - min) / (max - min)} with the training minimum and maximum: training values
     * land in [0, 1]; later values outside that range are not clipped. A column whose training
     * values are all equal gives 0.
     */
    MIN_MAX,
    /** {@code log1p(x)} of a value {@code >= 0}; a negative value is missing. Not fitted. */
    LOG,
    /**
     * The index of the value's bucket, 0 to the number of edges: edges are the training values'
     * quantiles at {@code i / buckets} (linear interpolation, as R's type 7 and numpy), equal
     * edges collapsed, and a value equal to an edge goes to the bucket above it.
     */
    BUCKETIZE,
    /**
     * One input per vocabulary value, 1 for the row's value and 0 for the others, plus a last
     * input for a value outside the vocabulary; a missing value makes every input NaN. The
     * vocabulary holds the most frequent training values first (ties by value), at most
     * {@link FeatureTransform#maxVocabularySize} of them when that is above 0. Inputs are named
     * {@code name=value} and {@code name=<oov>}.
     */
    ONE_HOT,
    /**
     * 1 plus the value's position in a vocabulary built as for {@link #ONE_HOT}; 0 for a value
     * outside the vocabulary (distinct from a missing value, which is NaN).
     */
    INTEGER_ENCODING,
    /**
     * The value's bucket, 0 to {@code buckets - 1}: Guava's {@code murmur3_32_fixed} of the
     * UTF-8 text (seed 0), taken modulo the bucket count, never negative. Not fitted.
     */
    HASHING
}
