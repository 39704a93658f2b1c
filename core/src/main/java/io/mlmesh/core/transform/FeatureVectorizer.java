package io.mlmesh.core.transform;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Turns a row into a model input vector. Training and serving both call {@link #vectorize},
 * so a row gives the same vector offline and online, bit for bit.
 *
 * <p>Values are produced as {@code float}, the precision tree and neural-network engines take,
 * so that no path rounds differently from another. Missing inputs are NaN, which XGBoost treats
 * as missing (never as zero).
 *
 * <p>Instances are immutable and safe to share between threads.
 */
public final class FeatureVectorizer {

    private final List<FeatureTransform> transforms;
    private final Map<String, Vocabulary> vocabularies;

    public FeatureVectorizer(List<FeatureTransform> transforms,
            Map<String, Vocabulary> vocabularies) {
        this.transforms = List.copyOf(transforms);
        this.vocabularies = Map.copyOf(vocabularies);
        checkNamesUnique(this.transforms);
        checkVocabulariesPresent();
    }

    /**
     * Learns the vocabularies of the categorical transforms from training rows.
     *
     * @param transforms the model's inputs
     * @param textColumns each categorical source column's values over the training rows
     */
    public static FeatureVectorizer fit(List<FeatureTransform> transforms,
            Map<String, ? extends Iterable<String>> textColumns) {
        Map<String, Vocabulary> vocabularies = new HashMap<>();
        for (FeatureTransform transform : transforms) {
            if (!transform.readsText()) {
                continue;
            }
            Iterable<String> values = textColumns.get(transform.column());
            if (values == null) {
                throw new IllegalArgumentException(
                        "transform " + transform.name() + ": no values for column "
                                + transform.column());
            }
            List<String> seen = new ArrayList<>();
            values.forEach(seen::add);
            vocabularies.put(transform.name(), Vocabulary.of(seen));
        }
        return new FeatureVectorizer(transforms, vocabularies);
    }

    /** Writes the row's vector into {@code out} starting at {@code offset}. */
    public void vectorize(RowView row, float[] out, int offset) {
        for (int i = 0; i < transforms.size(); i++) {
            out[offset + i] = (float) valueOf(transforms.get(i), row);
        }
    }

    /** The row's vector in a new array. */
    public float[] vectorize(RowView row) {
        float[] out = new float[transforms.size()];
        vectorize(row, out, 0);
        return out;
    }

    public int width() {
        return transforms.size();
    }

    public List<FeatureTransform> transforms() {
        return transforms;
    }

    public Map<String, Vocabulary> vocabularies() {
        return vocabularies;
    }

    /** The model inputs' names, in vector order. */
    public List<String> featureNames() {
        return transforms.stream().map(FeatureTransform::name).toList();
    }

    private double valueOf(FeatureTransform transform, RowView row) {
        return switch (transform.kind()) {
            case NUMERIC -> row.number(transform.column());
            case CATEGORY_INDEX ->
                    vocabularies.get(transform.name()).indexOf(row.text(transform.column()));
            case HOUR_OF_DAY, DAY_OF_WEEK, MONTH ->
                    timePart(transform.kind(), row.timeMicros(transform.column()));
        };
    }

    private static double timePart(TransformKind kind, long micros) {
        if (micros == RowView.MISSING_TIME) {
            return Double.NaN;
        }
        Instant instant = Instant.ofEpochSecond(
                Math.floorDiv(micros, 1_000_000L), Math.floorMod(micros, 1_000_000L) * 1000L);
        ZonedDateTime time = instant.atZone(ZoneOffset.UTC);
        return switch (kind) {
            case HOUR_OF_DAY -> time.getHour();
            case DAY_OF_WEEK -> time.getDayOfWeek().getValue();
            case MONTH -> time.getMonthValue();
            default -> throw new IllegalStateException("not a time transform: " + kind);
        };
    }

    private static void checkNamesUnique(List<FeatureTransform> transforms) {
        Set<String> names = new HashSet<>();
        for (FeatureTransform transform : transforms) {
            if (!names.add(transform.name())) {
                throw new IllegalArgumentException(
                        "transform name used twice: " + transform.name());
            }
        }
    }

    private void checkVocabulariesPresent() {
        for (FeatureTransform transform : transforms) {
            if (transform.readsText() && !vocabularies.containsKey(transform.name())) {
                throw new IllegalArgumentException(
                        "transform " + transform.name() + " has no vocabulary");
            }
        }
    }
}
