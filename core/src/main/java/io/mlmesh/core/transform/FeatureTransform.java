package io.mlmesh.core.transform;

import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;

/**
 * One transform of a source column into model inputs: its name, how the inputs are computed,
 * from which column, and the kind's size parameters.
 *
 * @param name the transform's name, unique within a model; the input's name, or the prefix of
 *     the inputs' names for {@link TransformKind#ONE_HOT}
 * @param kind how the inputs are computed
 * @param column a source column, or an online feature named {@code view__feature}
 * @param buckets the number of buckets of {@link TransformKind#BUCKETIZE} and
 *     {@link TransformKind#HASHING} (at least 2); 0 for every other kind
 * @param maxVocabularySize the most values the vocabulary of {@link TransformKind#ONE_HOT} or
 *     {@link TransformKind#INTEGER_ENCODING} keeps, most frequent first; 0 keeps every value
 *     and is the only value the other kinds take
 */
public record FeatureTransform(String name, TransformKind kind, String column, int buckets,
        int maxVocabularySize) {

    private static final Set<TransformKind> TEXT_KINDS = EnumSet.of(
            TransformKind.CATEGORY_INDEX, TransformKind.ONE_HOT, TransformKind.INTEGER_ENCODING,
            TransformKind.HASHING);
    private static final Set<TransformKind> TIME_KINDS = EnumSet.of(
            TransformKind.HOUR_OF_DAY, TransformKind.DAY_OF_WEEK, TransformKind.MONTH);
    private static final Set<TransformKind> BUCKETED_KINDS = EnumSet.of(
            TransformKind.BUCKETIZE, TransformKind.HASHING);
    private static final Set<TransformKind> RANKED_VOCABULARY_KINDS = EnumSet.of(
            TransformKind.ONE_HOT, TransformKind.INTEGER_ENCODING);
    private static final Set<TransformKind> NUMERIC_FITTED_KINDS = EnumSet.of(
            TransformKind.STANDARDIZE, TransformKind.MIN_MAX, TransformKind.BUCKETIZE);

    public FeatureTransform {
        Objects.requireNonNull(kind, "kind");
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("transform name is empty");
        }
        if (column == null || column.isBlank()) {
            throw new IllegalArgumentException("transform " + name + ": column is empty");
        }
        checkBuckets(name, kind, buckets);
        checkMaxVocabularySize(name, kind, maxVocabularySize);
    }

    /** A transform without size parameters, for the kinds that take none. */
    public FeatureTransform(String name, TransformKind kind, String column) {
        this(name, kind, column, 0, 0);
    }

    /** Whether the transform reads a string column. */
    public boolean readsText() {
        return TEXT_KINDS.contains(kind);
    }

    /** Whether the transform reads a timestamp column. */
    public boolean readsTime() {
        return TIME_KINDS.contains(kind);
    }

    /** Whether the transform learns a vocabulary from the training rows. */
    public boolean learnsVocabulary() {
        return kind == TransformKind.CATEGORY_INDEX || RANKED_VOCABULARY_KINDS.contains(kind);
    }

    /** Whether the transform learns statistics of a numeric column from the training rows. */
    public boolean learnsNumbers() {
        return NUMERIC_FITTED_KINDS.contains(kind);
    }

    private static void checkBuckets(String name, TransformKind kind, int buckets) {
        if (BUCKETED_KINDS.contains(kind) && buckets < 2) {
            throw new IllegalArgumentException("transform " + name + ": " + kind
                    + " needs at least 2 buckets, got " + buckets);
        }
        if (!BUCKETED_KINDS.contains(kind) && buckets != 0) {
            throw new IllegalArgumentException("transform " + name + ": " + kind
                    + " takes no bucket count, got " + buckets);
        }
    }

    private static void checkMaxVocabularySize(String name, TransformKind kind, int maxSize) {
        if (maxSize < 0) {
            throw new IllegalArgumentException("transform " + name
                    + ": the maximum vocabulary size must not be negative, got " + maxSize);
        }
        if (maxSize != 0 && !RANKED_VOCABULARY_KINDS.contains(kind)) {
            throw new IllegalArgumentException("transform " + name + ": " + kind
                    + " takes no maximum vocabulary size, got " + maxSize);
        }
    }
}
