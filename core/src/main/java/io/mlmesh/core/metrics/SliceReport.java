package io.mlmesh.core.metrics;

import java.util.Map;

/**
 * The metrics of the rows that share one value of a slicing attribute.
 *
 * @param value the value the rows share, for example an airport code
 * @param rowCount the slice's rows
 * @param positiveShare the share of the slice's rows labelled 1
 * @param metrics metric by name ({@link SlicedMetrics#METRIC_NAMES}); NaN where undefined
 */
public record SliceReport(String value, long rowCount, double positiveShare,
        Map<String, Double> metrics) {

    public SliceReport {
        metrics = Map.copyOf(metrics);
    }
}
