package io.mlmesh.monitor.drift;

import io.mlmesh.core.drift.FeatureValues;
import java.util.Map;

/**
 * The requested columns of one training set as streamed by the feature store.
 *
 * @param readings how each column was read, by column name
 * @param columns the values of each column, by column name, in request order
 * @param rowCount rows streamed
 * @param contentSha256 the feature store's digest of the rows
 */
record StreamedSet(Map<String, ColumnReading> readings, Map<String, FeatureValues> columns,
        long rowCount, String contentSha256) {
}
