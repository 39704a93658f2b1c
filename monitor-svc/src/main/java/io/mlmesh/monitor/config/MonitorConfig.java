package io.mlmesh.monitor.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** Settings of monitor-svc, under {@code mlmesh.monitor}. */
@ConfigMapping(prefix = "mlmesh.monitor")
public interface MonitorConfig {

    /** Traces held in memory; beyond it the oldest (first seen) is evicted. At least 1. */
    @WithDefault("100000")
    int maxTraces();

    /** Spans held per trace; later spans still count in the statistics. At least 1. */
    @WithDefault("1000")
    int maxSpansPerTrace();

    /** The longest one read of a training set from the feature store may take. */
    @WithDefault("10m")
    Duration featureStoreTimeout();

    /** Drift tests, under {@code mlmesh.monitor.drift}; the defaults are Evidently's. */
    Drift drift();

    /** Thresholds and profile sizes of the drift tests (see core's DriftSettings). */
    interface Drift {

        /** A statistical test reports drift when its p-value is below this. */
        @WithDefault("0.05")
        double pValueThreshold();

        /** A distance reports drift when it is at or above this. */
        @WithDefault("0.1")
        double distanceThreshold();

        /** A population stability index at or above this is flagged. */
        @WithDefault("0.1")
        double psiThreshold();

        /** The data set drifts when at least this share of the tested columns drift. */
        @WithDefault("0.5")
        double datasetDriftShare();

        /** References with at most this many values get a test, larger ones a distance. */
        @WithDefault("1000")
        int smallReferenceMaxValues();

        /** Fewer non-missing values than this on either side: insufficient data. */
        @WithDefault("30")
        int minValues();

        /** Quantile bins of a numeric column for the population stability index. */
        @WithDefault("10")
        int quantileBins();

        /** Reference values a numeric profile keeps (a quantile sketch beyond). */
        @WithDefault("2000")
        int maxSampleValues();
    }
}
