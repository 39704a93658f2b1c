package io.mlmesh.featurestore.offline;

import io.mlmesh.featurestore.v1.ColumnSchema;
import io.mlmesh.featurestore.v1.DatasetVersion;
import io.mlmesh.featurestore.v1.FeatureView;
import java.util.List;

/**
 * A validated training set request, ready to run.
 *
 * @param sql the DuckDB query whose result columns are {@code columns}, in order (timestamps as
 *     epoch microseconds), sorted deterministically
 * @param columns the output schema: source columns, then {@code <view>__<feature>} doubles
 * @param source the source's registered version
 * @param views the joined view versions, in join order
 * @param batchRows rows per streamed chunk
 */
record TrainingSetPlan(String sql, List<ColumnSchema> columns, DatasetVersion source,
    List<FeatureView> views, int batchRows) {
}
