package io.mlmesh.monitor.dashboard;

import java.util.Map;

/**
 * The values of a chart's series at one time; a series without a value then is absent.
 *
 * @param epochMillis when the values were read
 * @param valueBySeries finite values keyed by series name
 */
public record Sample(long epochMillis, Map<String, Double> valueBySeries) {

    public Sample {
        valueBySeries = Map.copyOf(valueBySeries);
    }
}
