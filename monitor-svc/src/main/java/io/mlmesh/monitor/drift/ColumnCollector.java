package io.mlmesh.monitor.drift;

import io.mlmesh.core.drift.CategoricalValues;
import io.mlmesh.core.drift.FeatureKind;
import io.mlmesh.core.drift.FeatureValues;
import io.mlmesh.core.drift.NumericValues;
import io.mlmesh.featurestore.v1.Column;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * Gathers one column of a streamed training set, batch by batch, in the form drift tests read:
 * numbers kept whole (the tests need every value), categories only counted.
 */
final class ColumnCollector {

    private static final long MICROS_PER_HOUR = 3_600_000_000L;
    private static final int HOURS_PER_DAY = 24;

    private final ColumnReading reading;
    private final Map<String, Long> categoryCounts = new HashMap<>();
    private double[] numbers = new double[1024];
    private int numberCount;
    private long missingCategories;

    ColumnCollector(ColumnReading reading) {
        this.reading = reading;
    }

    /** Adds the values of one batch of the column. */
    void add(Column batch) {
        switch (reading) {
            case NUMBER -> batch.getDoublesList().forEach(this::addNumber);
            case HOUR_OF_DAY -> batch.getTimestampsMicrosList().forEach(micros -> addNumber(
                    Math.floorMod(Math.floorDiv(micros, MICROS_PER_HOUR), HOURS_PER_DAY)));
            case BOOLEAN -> batch.getDoublesList().forEach(value -> addCategory(
                    Double.isNaN(value) ? "" : Boolean.toString(value != 0)));
            case TEXT -> batch.getStringsList().forEach(this::addCategory);
        }
    }

    /** The values gathered so far. */
    FeatureValues values() {
        if (reading.kind() == FeatureKind.NUMERIC) {
            return NumericValues.of(Arrays.copyOf(numbers, numberCount));
        }
        return CategoricalValues.ofCounts(categoryCounts, missingCategories);
    }

    private void addNumber(double value) {
        if (numberCount == numbers.length) {
            numbers = Arrays.copyOf(numbers, numbers.length * 2);
        }
        numbers[numberCount++] = value;
    }

    private void addCategory(String category) {
        if (category.isEmpty()) {
            missingCategories++;
        } else {
            categoryCounts.merge(category, 1L, Long::sum);
        }
    }
}
