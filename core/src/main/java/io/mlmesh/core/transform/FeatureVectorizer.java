package io.mlmesh.core.transform;

import com.google.common.hash.HashFunction;
import com.google.common.hash.Hashing;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.DoubleStream;

/**
 * Turns a row into a model input vector. Training and serving both call {@link #vectorize},
 * so a row gives the same vector offline and online, bit for bit.
 *
 * <p>Values are produced as {@code float}, the precision tree and neural-network engines take,
 * so that no path rounds differently from another. Arithmetic is done in {@code double} and
 * rounded once; the logarithm is {@link StrictMath#log1p}, whose result the Java specification
 * fixes on every machine, so a model trained on one host and served on another sees the same
 * inputs. Missing inputs are NaN, which XGBoost treats as missing (never as zero).
 *
 * <p>A transform gives one input, except {@link TransformKind#ONE_HOT}, which gives one per
 * vocabulary value plus an out-of-vocabulary input: {@link #width} and {@link #featureNames}
 * count inputs, not transforms. What fitted transforms learned (vocabularies and
 * {@link NumericFit}s, by transform name) is part of the vectorizer, so that a bundle can carry
 * it to serving.
 *
 * <p>Instances are immutable and safe to share between threads.
 */
public final class FeatureVectorizer {

    /** The name suffix of a one-hot transform's out-of-vocabulary input. */
    public static final String OUT_OF_VOCABULARY = "<oov>";

    private static final HashFunction STABLE_HASH = Hashing.murmur3_32_fixed();

    private final List<FeatureTransform> transforms;
    private final Map<String, Vocabulary> vocabularies;
    private final Map<String, NumericFit> numericFits;
    private final int[] offsets;
    private final List<String> featureNames;

    public FeatureVectorizer(List<FeatureTransform> transforms,
            Map<String, Vocabulary> vocabularies) {
        this(transforms, vocabularies, Map.of());
    }

    /**
     * A vectorizer of fitted state, as {@link #fit} or a model bundle gives it.
     *
     * @param transforms the transforms in vector order
     * @param vocabularies the vocabulary of every transform that learns one, by transform name
     * @param numericFits the statistics of every transform that learns them, by transform name
     * @throws IllegalArgumentException when a name repeats or fitted state is missing
     */
    public FeatureVectorizer(List<FeatureTransform> transforms,
            Map<String, Vocabulary> vocabularies, Map<String, NumericFit> numericFits) {
        this.transforms = List.copyOf(transforms);
        this.vocabularies = Map.copyOf(vocabularies);
        this.numericFits = Map.copyOf(numericFits);
        checkNamesUnique(this.transforms);
        checkFittedStatePresent();
        this.offsets = new int[this.transforms.size() + 1];
        this.featureNames = inputNames();
    }

    /**
     * Learns the vocabularies of the categorical transforms from training texts. Transforms
     * that learn numbers need rows: use {@link #fit(List, Iterable)}.
     *
     * @param transforms the model's inputs
     * @param textColumns each categorical source column's values over the training rows
     * @throws IllegalArgumentException when a column has no values or a transform learns numbers
     */
    public static FeatureVectorizer fit(List<FeatureTransform> transforms,
            Map<String, ? extends Iterable<String>> textColumns) {
        Map<String, Vocabulary> vocabularies = new HashMap<>();
        for (FeatureTransform transform : transforms) {
            if (transform.learnsNumbers()) {
                throw new IllegalArgumentException("transform " + transform.name() + " ("
                        + transform.kind() + ") learns from numbers: fit it from rows");
            }
            if (!transform.learnsVocabulary()) {
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
            vocabularies.put(transform.name(), TransformFitter.vocabulary(transform, seen));
        }
        return new FeatureVectorizer(transforms, vocabularies);
    }

    /**
     * Learns every fitted transform's state from the training rows, read through the same
     * {@link RowView} calls that {@link #vectorize} makes. Each row is read before the next is
     * asked for, so the rows may be one cursor that moves.
     *
     * @param transforms the model's inputs
     * @param trainingRows the training rows, and only those
     * @throws IllegalArgumentException when there are no rows, or a numeric transform's column
     *     has no finite value
     */
    public static FeatureVectorizer fit(List<FeatureTransform> transforms,
            Iterable<? extends RowView> trainingRows) {
        Map<String, List<String>> texts = new LinkedHashMap<>();
        Map<String, DoubleStream.Builder> numbers = new LinkedHashMap<>();
        for (FeatureTransform transform : transforms) {
            if (transform.learnsVocabulary()) {
                texts.putIfAbsent(transform.column(), new ArrayList<>());
            } else if (transform.learnsNumbers()) {
                numbers.putIfAbsent(transform.column(), DoubleStream.builder());
            }
        }

        int rowCount = 0;
        for (RowView row : trainingRows) {
            texts.forEach((column, values) -> values.add(row.text(column)));
            numbers.forEach((column, values) -> values.add(row.number(column)));
            rowCount++;
        }
        if (rowCount == 0) {
            throw new IllegalArgumentException("cannot fit transforms on an empty training set:"
                    + " vocabularies and statistics are learned from training rows");
        }

        return fitted(transforms, texts, columnArrays(numbers));
    }

    /** Writes the row's vector into {@code out} starting at {@code offset}. */
    public void vectorize(RowView row, float[] out, int offset) {
        for (int i = 0; i < transforms.size(); i++) {
            write(transforms.get(i), row, out, offset + offsets[i]);
        }
    }

    /** The row's vector in a new array. */
    public float[] vectorize(RowView row) {
        float[] out = new float[width()];
        vectorize(row, out, 0);
        return out;
    }

    /** The number of model inputs, which is more than the transforms when one is one-hot. */
    public int width() {
        return offsets[transforms.size()];
    }

    public List<FeatureTransform> transforms() {
        return transforms;
    }

    /** The learned vocabularies, by transform name. */
    public Map<String, Vocabulary> vocabularies() {
        return vocabularies;
    }

    /** The learned numeric statistics, by transform name. */
    public Map<String, NumericFit> numericFits() {
        return numericFits;
    }

    /** The model inputs' names, in vector order. */
    public List<String> featureNames() {
        return featureNames;
    }

    private static FeatureVectorizer fitted(List<FeatureTransform> transforms,
            Map<String, List<String>> texts, Map<String, double[]> numbers) {
        Map<String, Vocabulary> vocabularies = new HashMap<>();
        Map<String, NumericFit> numericFits = new HashMap<>();
        for (FeatureTransform transform : transforms) {
            if (transform.learnsVocabulary()) {
                vocabularies.put(transform.name(),
                        TransformFitter.vocabulary(transform, texts.get(transform.column())));
            } else if (transform.learnsNumbers()) {
                numericFits.put(transform.name(),
                        TransformFitter.numbers(transform, numbers.get(transform.column())));
            }
        }
        return new FeatureVectorizer(transforms, vocabularies, numericFits);
    }

    private static Map<String, double[]> columnArrays(Map<String, DoubleStream.Builder> built) {
        Map<String, double[]> arrays = new HashMap<>();
        built.forEach((column, values) -> arrays.put(column, values.build().toArray()));
        return arrays;
    }

    private void write(FeatureTransform transform, RowView row, float[] out, int at) {
        if (transform.kind() == TransformKind.ONE_HOT) {
            writeOneHot(vocabularies.get(transform.name()), textOf(row, transform), out, at);
            return;
        }
        out[at] = (float) valueOf(transform, row);
    }

    private static void writeOneHot(Vocabulary vocabulary, String text, float[] out, int at) {
        int slots = vocabulary.size() + 1;
        if (text == null) {
            Arrays.fill(out, at, at + slots, Float.NaN);
            return;
        }
        Arrays.fill(out, at, at + slots, 0f);
        int position = vocabulary.positionOf(text);
        out[at + (position < 0 ? vocabulary.size() : position)] = 1f;
    }

    private double valueOf(FeatureTransform transform, RowView row) {
        String name = transform.name();
        String column = transform.column();
        return switch (transform.kind()) {
            case NUMERIC -> row.number(column);
            case CATEGORY_INDEX -> vocabularies.get(name).indexOf(row.text(column));
            case HOUR_OF_DAY, DAY_OF_WEEK, MONTH ->
                    timePart(transform.kind(), row.timeMicros(column));
            case STANDARDIZE -> standardized(numericFits.get(name), row.number(column));
            case MIN_MAX -> minMaxScaled(numericFits.get(name), row.number(column));
            case LOG -> logOf(row.number(column));
            case BUCKETIZE -> bucketOf(numericFits.get(name), row.number(column));
            case INTEGER_ENCODING -> encoded(vocabularies.get(name), textOf(row, transform));
            case HASHING -> hashBucketOf(textOf(row, transform), transform.buckets());
            case ONE_HOT -> throw new IllegalStateException("one-hot gives several inputs");
        };
    }

    private static double standardized(NumericFit fit, double value) {
        if (Double.isNaN(value)) {
            return Double.NaN;
        }
        return fit.constant() ? 0.0 : (value - fit.mean()) / fit.standardDeviation();
    }

    private static double minMaxScaled(NumericFit fit, double value) {
        if (Double.isNaN(value)) {
            return Double.NaN;
        }
        return fit.constant() ? 0.0 : (value - fit.min()) / (fit.max() - fit.min());
    }

    private static double logOf(double value) {
        return value >= 0 ? StrictMath.log1p(value) : Double.NaN;
    }

    private static double bucketOf(NumericFit fit, double value) {
        if (Double.isNaN(value)) {
            return Double.NaN;
        }
        List<Double> edges = fit.bucketEdges();
        int low = 0;
        int high = edges.size();
        while (low < high) {
            int middle = (low + high) >>> 1;
            if (edges.get(middle) <= value) {
                low = middle + 1;
            } else {
                high = middle;
            }
        }
        return low;
    }

    private static double encoded(Vocabulary vocabulary, String text) {
        return text == null ? Double.NaN : vocabulary.positionOf(text) + 1;
    }

    private static double hashBucketOf(String text, int buckets) {
        if (text == null) {
            return Double.NaN;
        }
        int hash = STABLE_HASH.hashString(text, StandardCharsets.UTF_8).asInt();
        return Math.floorMod(hash, buckets);
    }

    /** The text a text transform reads; an empty text is missing, as training reads it. */
    private static String textOf(RowView row, FeatureTransform transform) {
        String text = row.text(transform.column());
        return text == null || text.isEmpty() ? null : text;
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

    /** Fills {@link #offsets} and returns the input names, checking that none repeats. */
    private List<String> inputNames() {
        List<String> names = new ArrayList<>();
        for (int i = 0; i < transforms.size(); i++) {
            FeatureTransform transform = transforms.get(i);
            offsets[i] = names.size();
            if (transform.kind() == TransformKind.ONE_HOT) {
                vocabularies.get(transform.name()).values()
                        .forEach(value -> names.add(transform.name() + "=" + value));
                names.add(transform.name() + "=" + OUT_OF_VOCABULARY);
            } else {
                names.add(transform.name());
            }
        }
        offsets[transforms.size()] = names.size();
        Set<String> distinct = new HashSet<>();
        for (String name : names) {
            if (!distinct.add(name)) {
                throw new IllegalArgumentException("model input name used twice: " + name);
            }
        }
        return List.copyOf(names);
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

    private void checkFittedStatePresent() {
        for (FeatureTransform transform : transforms) {
            if (transform.learnsVocabulary() && !vocabularies.containsKey(transform.name())) {
                throw new IllegalArgumentException(
                        "transform " + transform.name() + " has no vocabulary");
            }
            if (transform.learnsNumbers() && !numericFits.containsKey(transform.name())) {
                throw new IllegalArgumentException(
                        "transform " + transform.name() + " has no fitted statistics");
            }
        }
    }
}
