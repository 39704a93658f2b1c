package io.mlmesh.core.mlp;

import io.mlmesh.core.transform.FeatureTransform;
import io.mlmesh.core.transform.FeatureVectorizer;
import io.mlmesh.core.transform.TransformKind;
import java.util.ArrayList;
import java.util.List;

/**
 * How the MLP reads a vectorizer's input vector: which inputs are numbers fed as they are, and
 * which are category codes looked up in a learned embedding table. Pure Java, so that training
 * and serving split a vector the same way without an engine.
 *
 * <p>{@link TransformKind#INTEGER_ENCODING} (0 for a value outside the vocabulary, 1 + rank
 * otherwise) and {@link TransformKind#HASHING} (the bucket) become embeddings; every other
 * input, one-hot slots included, is numeric. Row 0 of every embedding table stands for a
 * missing value: an integer encoding's out-of-vocabulary code is 0 already and shares it, a
 * hashed bucket is shifted by one. A missing numeric input is fed as 0, which is the training
 * mean of a standardized input. Missing is therefore not learned apart from those values: a
 * limit the README states.
 *
 * <p>Immutable and safe to share between threads.
 */
public final class MlpInputLayout {

    private final int width;
    private final int[] numericPositions;
    private final List<Embedding> embeddings;

    private MlpInputLayout(int width, int[] numericPositions, List<Embedding> embeddings) {
        this.width = width;
        this.numericPositions = numericPositions;
        this.embeddings = List.copyOf(embeddings);
    }

    /**
     * One categorical input and its table.
     *
     * @param name the transform's name
     * @param position the input's index in the vector
     * @param rows the table's rows: every code plus the missing row
     * @param shift added to the input's value to get its row
     */
    public record Embedding(String name, int position, int rows, int shift) {
    }

    /** The layout of a fitted vectorizer's vector. */
    public static MlpInputLayout of(FeatureVectorizer vectorizer) {
        List<Integer> numeric = new ArrayList<>();
        List<Embedding> embeddings = new ArrayList<>();
        int position = 0;
        for (FeatureTransform transform : vectorizer.transforms()) {
            switch (transform.kind()) {
                case INTEGER_ENCODING -> embeddings.add(new Embedding(transform.name(), position,
                        vectorizer.vocabularies().get(transform.name()).size() + 1, 0));
                case HASHING -> embeddings.add(new Embedding(transform.name(), position,
                        transform.buckets() + 1, 1));
                case ONE_HOT -> {
                    int slots = vectorizer.vocabularies().get(transform.name()).size() + 1;
                    for (int slot = 0; slot < slots; slot++) {
                        numeric.add(position + slot);
                    }
                    position += slots - 1;
                }
                default -> numeric.add(position);
            }
            position++;
        }
        if (position != vectorizer.width()) {
            throw new IllegalStateException("layout covers " + position + " inputs of "
                    + vectorizer.width());
        }
        return new MlpInputLayout(position,
                numeric.stream().mapToInt(Integer::intValue).toArray(), embeddings);
    }

    /** The inputs per row of the whole vector. */
    public int width() {
        return width;
    }

    /** The numeric inputs per row. */
    public int numericWidth() {
        return numericPositions.length;
    }

    /** The categorical inputs, in vector order. */
    public List<Embedding> embeddings() {
        return embeddings;
    }

    /**
     * Splits rows of vectors into the network's two inputs.
     *
     * @param rows {@code rowCount * width()} values, row after row, NaN where missing
     * @param rowCount the rows to split
     * @param numeric receives {@code rowCount * numericWidth()} values, 0 for a missing one
     * @param codes receives {@code rowCount * embeddings().size()} table rows, 0 for missing
     */
    public void split(float[] rows, int rowCount, float[] numeric, long[] codes) {
        int categorical = embeddings.size();
        for (int row = 0; row < rowCount; row++) {
            int from = row * width;
            for (int i = 0; i < numericPositions.length; i++) {
                float value = rows[from + numericPositions[i]];
                numeric[row * numericPositions.length + i] = Float.isNaN(value) ? 0f : value;
            }
            for (int j = 0; j < categorical; j++) {
                codes[row * categorical + j] = codeOf(embeddings.get(j), rows[from
                        + embeddings.get(j).position()]);
            }
        }
    }

    private static long codeOf(Embedding embedding, float value) {
        if (Float.isNaN(value)) {
            return 0;
        }
        long code = (long) value + embedding.shift();
        if (code < 0 || code >= embedding.rows()) {
            throw new IllegalArgumentException("input " + embedding.name() + " has code "
                    + (long) value + " outside its table of " + embedding.rows() + " rows");
        }
        return code;
    }
}
