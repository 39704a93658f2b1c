package io.mlmesh.monitor.drift;

import io.mlmesh.core.drift.FeatureKind;
import io.mlmesh.featurestore.v1.ColumnType;

/** How a feature store column becomes drift-test values, decided by its type. */
enum ColumnReading {
    /** DOUBLE and INT64: the numbers (NaN missing). */
    NUMBER(FeatureKind.NUMERIC),
    /** BOOL, sent as 1 or 0 (NaN missing): the categories true and false. */
    BOOLEAN(FeatureKind.CATEGORICAL),
    /** STRING: the texts as categories (empty missing). */
    TEXT(FeatureKind.CATEGORICAL),
    /** TIMESTAMP: the hour of day in UTC, 0 to 23, as a number. */
    HOUR_OF_DAY(FeatureKind.NUMERIC);

    private final FeatureKind kind;

    ColumnReading(FeatureKind kind) {
        this.kind = kind;
    }

    FeatureKind kind() {
        return kind;
    }

    /**
     * The reading of a column type.
     *
     * @throws IllegalArgumentException for an unspecified type
     */
    static ColumnReading of(String column, ColumnType type) {
        return switch (type) {
            case COLUMN_TYPE_DOUBLE, COLUMN_TYPE_INT64 -> NUMBER;
            case COLUMN_TYPE_BOOL -> BOOLEAN;
            case COLUMN_TYPE_STRING -> TEXT;
            case COLUMN_TYPE_TIMESTAMP -> HOUR_OF_DAY;
            default -> throw new IllegalArgumentException("columns: '" + column + "' has type "
                    + type + ", which drift tests cannot read");
        };
    }
}
