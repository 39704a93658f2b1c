package io.mlmesh.monitor.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

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

    /** The prediction log consumer and outcomes, under {@code mlmesh.monitor.feedback}. */
    Feedback feedback();

    /** Service-level objectives and their alerts, under {@code mlmesh.monitor.slo}. */
    Slo slo();

    /** Which RPCs have objectives, how often they are judged, how many alerts are kept. */
    interface Slo {

        /**
         * One entry per objective,
         * {@code <service>:<operation>:p99-millis=<ms>:error-rate=<share>} with optional
         * {@code :window-seconds=<s>} (default 60) and {@code :min-calls=<n>}; none: no alerts.
         */
        Optional<List<String>> objectives();

        /** How often every objective is judged. */
        @WithDefault("10s")
        Duration evaluateInterval();

        /** Calls a window must hold before it is judged, unless the entry says otherwise. */
        @WithDefault("20")
        int minCalls();

        /** Resolved alerts kept for ListAlerts, newest first. */
        @WithDefault("100")
        int historySize();
    }

    /**
     * Where predictions and outcomes live. Without a Redis URL the feedback loop is off and its
     * RPCs answer UNAVAILABLE.
     */
    interface Feedback {

        /** The Redis server of the prediction log and the stored rows; unset: off. */
        Optional<String> redisUrl();

        /** The stream inference-svc appends predictions to. */
        @WithDefault("mlmesh:predictions")
        String streamKey();

        /** The consumer group reading the stream; created at the stream's start if absent. */
        @WithDefault("monitor")
        String consumerGroup();

        /**
         * This monitor's name in the group. Keep it stable across restarts: on start the
         * consumer first re-reads the entries it read under this name and did not acknowledge.
         */
        @WithDefault("monitor-1")
        String consumerName();

        /**
         * Entries another consumer of the group read and left unacknowledged for this long
         * (a monitor renamed or gone) are taken over on start and stored by this one.
         */
        @WithDefault("5m")
        Duration claimIdle();

        /** Prefix of every key the monitor writes (predictions, outcomes, joined sets). */
        @WithDefault("mlmesh:monitor:")
        String keyPrefix();

        /** How long predictions and outcomes are kept, from their last write. */
        @WithDefault("30d")
        Duration retention();

        /** Stream entries read per call. */
        @WithDefault("256")
        int readBatchSize();

        /** How long one read waits for new entries. */
        @WithDefault("1s")
        Duration readBlock();

        /** How long the consumer waits before reading again after Redis failed. */
        @WithDefault("1s")
        Duration retryDelay();

        /** The longest one Redis command may take. */
        @WithDefault("5s")
        Duration redisTimeout();
    }

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
