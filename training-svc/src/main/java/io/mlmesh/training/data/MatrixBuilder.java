package io.mlmesh.training.data;

import io.mlmesh.core.transform.FeatureTransform;
import io.mlmesh.core.transform.FeatureVectorizer;
import io.mlmesh.core.transform.RowView;
import io.mlmesh.featurestore.v1.ColumnType;
import io.mlmesh.featurestore.v1.TrainingSetChunk;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Optional;

/**
 * Turns training sets into feature matrices with the core {@link FeatureVectorizer}, the code
 * serving runs too: fitted state (vocabularies, numeric statistics, bucket edges) is learned on
 * the training rows only, then every row of every set goes through the same {@code vectorize}
 * call.
 */
public final class MatrixBuilder {

    /** The group of rows whose grouping value is missing. */
    public static final String MISSING_GROUP = "(missing)";

    private MatrixBuilder() {
    }

    /**
     * Checks that a set has every column the transforms and the label read, with a fitting
     * type.
     *
     * @throws IllegalArgumentException naming the set, the column and what is wrong
     */
    public static void checkColumns(String role, TrainingSet set,
            List<FeatureTransform> transforms, LabelRule label) {
        checkColumn(role, set, label.column(), "label", false, false);
        for (FeatureTransform transform : transforms) {
            checkColumn(role, set, transform.column(), "transform " + transform.name(),
                    transform.readsText(), transform.readsTime());
        }
    }

    /**
     * A vectorizer fitted on the training rows only: vocabularies, means, deviations, ranges
     * and bucket edges, read through the same row view that {@link #build} vectorizes.
     *
     * @throws IllegalArgumentException when the set is empty or a numeric transform's column
     *     has no finite value
     */
    public static FeatureVectorizer fit(List<FeatureTransform> transforms, TrainingSet train) {
        return FeatureVectorizer.fit(transforms, rowsOf(train));
    }

    /** Every row of the set as model inputs and a label. */
    public static FeatureMatrix build(TrainingSet set, FeatureVectorizer vectorizer,
            LabelRule label) {
        int rows = set.rowCount();
        int width = vectorizer.width();
        float[] values = new float[Math.multiplyExact(rows, width)];
        float[] labels = new float[rows];
        int next = 0;
        for (TrainingSetChunk batch : set.batches()) {
            BatchRowView row = new BatchRowView(batch);
            for (int i = 0; i < row.rowCount(); i++, next++) {
                row.moveTo(i);
                vectorizer.vectorize(row, values, next * width);
                labels[next] = label.labelOf(row);
            }
        }
        return new FeatureMatrix(values, labels, rows, width);
    }

    /** Every row's label, read without vectorizing: what a stratified split draws from. */
    public static float[] labels(TrainingSet set, LabelRule label) {
        float[] labels = new float[set.rowCount()];
        int next = 0;
        for (RowView row : rowsOf(set)) {
            labels[next++] = label.labelOf(row);
        }
        return labels;
    }

    /**
     * Each row's value of a grouping transform (a slice or a sensitive attribute), as text: the
     * text itself for a transform that reads text (no vocabulary: every value is its own
     * group), the number otherwise, integral numbers without a decimal point; a missing value
     * is {@link #MISSING_GROUP}. A fitted numeric transform (a bucketized slice) is fitted on
     * the set it groups.
     *
     * @throws IllegalArgumentException when a fitted transform's column has no finite value
     */
    public static String[] groupValues(TrainingSet set, FeatureTransform transform) {
        FeatureVectorizer numeric = transform.readsText() ? null
                : FeatureVectorizer.fit(List.of(transform), rowsOf(set));
        String[] values = new String[set.rowCount()];
        int next = 0;
        for (TrainingSetChunk batch : set.batches()) {
            BatchRowView row = new BatchRowView(batch);
            for (int i = 0; i < row.rowCount(); i++, next++) {
                row.moveTo(i);
                values[next] = numeric == null ? textOrMissing(row.text(transform.column()))
                        : numberText(numeric.vectorize(row)[0]);
            }
        }
        return values;
    }

    private static String textOrMissing(String text) {
        return text == null ? MISSING_GROUP : text;
    }

    private static String numberText(float value) {
        if (Float.isNaN(value)) {
            return MISSING_GROUP;
        }
        return value == Math.rint(value) ? Long.toString((long) value) : Float.toString(value);
    }

    /**
     * The set's rows in order, as one cursor per batch that moves on each step: fitting reads
     * each row before it asks for the next.
     */
    private static Iterable<RowView> rowsOf(TrainingSet set) {
        return () -> new Iterator<>() {
            private final Iterator<TrainingSetChunk> batches = set.batches().iterator();
            private BatchRowView row;
            private int next;

            @Override
            public boolean hasNext() {
                while (row == null || next == row.rowCount()) {
                    if (!batches.hasNext()) {
                        return false;
                    }
                    row = new BatchRowView(batches.next());
                    next = 0;
                }
                return true;
            }

            @Override
            public RowView next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                row.moveTo(next++);
                return row;
            }
        };
    }

    private static void checkColumn(String role, TrainingSet set, String column, String user,
            boolean text, boolean time) {
        Optional<ColumnType> type = set.typeOf(column);
        if (type.isEmpty()) {
            throw new IllegalArgumentException(role + " set has no column '" + column
                    + "' read by " + user + " (columns: " + set.columnNames() + ")");
        }
        ColumnType expected = text ? ColumnType.COLUMN_TYPE_STRING
                : time ? ColumnType.COLUMN_TYPE_TIMESTAMP : null;
        boolean fits = expected != null ? type.get() == expected : isNumeric(type.get());
        if (!fits) {
            throw new IllegalArgumentException(role + " set column '" + column + "' read by "
                    + user + " is " + type.get().name() + ", expected "
                    + (expected != null ? expected.name() : "a numeric column"));
        }
    }

    private static boolean isNumeric(ColumnType type) {
        return type == ColumnType.COLUMN_TYPE_DOUBLE
                || type == ColumnType.COLUMN_TYPE_INT64
                || type == ColumnType.COLUMN_TYPE_BOOL;
    }
}
