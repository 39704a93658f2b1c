package io.mlmesh.training.drift;

import io.mlmesh.core.drift.CategoricalValues;
import io.mlmesh.core.drift.DriftSettings;
import io.mlmesh.core.drift.FeatureKind;
import io.mlmesh.core.drift.FeatureValues;
import io.mlmesh.core.drift.ModelReference;
import io.mlmesh.core.drift.NumericProfile;
import io.mlmesh.core.drift.NumericValues;
import io.mlmesh.core.drift.ReferenceProfile;
import io.mlmesh.core.drift.ValueReading;
import io.mlmesh.core.transform.FeatureTransform;
import io.mlmesh.core.transform.RowView;
import io.mlmesh.featurestore.v1.Column;
import io.mlmesh.featurestore.v1.ColumnType;
import io.mlmesh.featurestore.v1.TrainingSetChunk;
import io.mlmesh.training.data.TrainingSet;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds the drift reference stored in a model's bundle: one profile per column the model's
 * transforms read, over the training rows, and the profile of the model's scores on the test
 * rows. Columns are read as the monitor reads served values: numbers as numbers, booleans and
 * strings as categories, timestamps as their hour of day in UTC. Profiles use Evidently's
 * default sizes ({@link DriftSettings#defaults()}); the monitor's thresholds apply when it
 * compares.
 */
public final class ReferenceProfiler {

    /** The rows the score profile is taken over. */
    public static final String PREDICTION_ROWS = "test";

    private static final long MICROS_PER_HOUR = 3_600_000_000L;
    private static final int HOURS_PER_DAY = 24;

    private ReferenceProfiler() {
    }

    /**
     * The reference of a model trained on {@code train} with {@code transforms}.
     *
     * @param testScores the model's positive-class score for every test row
     */
    public static ModelReference profile(List<FeatureTransform> transforms, TrainingSet train,
            double[] testScores) {
        DriftSettings settings = DriftSettings.defaults();
        Map<String, ValueReading> readings = new LinkedHashMap<>();
        for (FeatureTransform transform : transforms) {
            train.typeOf(transform.column()).ifPresent(type ->
                    readings.putIfAbsent(transform.column(), readingOf(type)));
        }

        Map<String, FeatureValues> columns = new LinkedHashMap<>();
        readings.forEach((column, reading) -> columns.put(column, values(train, column,
                reading)));
        ReferenceProfile features = ReferenceProfile.of(train.rowCount(), columns, settings);
        NumericProfile prediction = NumericProfile.of("prediction",
                NumericValues.of(testScores), settings);
        return new ModelReference(features, readings, prediction, PREDICTION_ROWS);
    }

    private static ValueReading readingOf(ColumnType type) {
        return switch (type) {
            case COLUMN_TYPE_BOOL -> ValueReading.BOOLEAN;
            case COLUMN_TYPE_STRING -> ValueReading.TEXT;
            case COLUMN_TYPE_TIMESTAMP -> ValueReading.HOUR_OF_DAY;
            default -> ValueReading.NUMBER;
        };
    }

    private static FeatureValues values(TrainingSet train, String column, ValueReading reading) {
        List<Double> numbers = new ArrayList<>();
        List<String> texts = new ArrayList<>();
        for (TrainingSetChunk batch : train.batches()) {
            for (Column values : batch.getColumnsList()) {
                if (values.getName().equals(column)) {
                    collect(values, reading, numbers, texts);
                }
            }
        }

        if (reading.kind() == FeatureKind.NUMERIC) {
            return NumericValues.of(numbers.stream().mapToDouble(Double::doubleValue).toArray());
        }
        return CategoricalValues.of(texts);
    }

    /** The hour of day in UTC; NaN for the missing time. */
    private static double hourOfDay(long micros) {
        if (micros == RowView.MISSING_TIME) {
            return Double.NaN;
        }
        return Math.floorMod(Math.floorDiv(micros, MICROS_PER_HOUR), HOURS_PER_DAY);
    }

    private static void collect(Column values, ValueReading reading, List<Double> numbers,
            List<String> texts) {
        switch (reading) {
            case NUMBER -> numbers.addAll(values.getDoublesList());
            case HOUR_OF_DAY -> values.getTimestampsMicrosList().forEach(micros -> numbers.add(
                    hourOfDay(micros)));
            case BOOLEAN -> values.getDoublesList().forEach(value -> texts.add(
                    Double.isNaN(value) ? null : Boolean.toString(value != 0)));
            case TEXT -> texts.addAll(values.getStringsList());
        }
    }
}
