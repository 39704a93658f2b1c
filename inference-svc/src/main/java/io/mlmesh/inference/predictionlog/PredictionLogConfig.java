package io.mlmesh.inference.predictionlog;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.util.List;
import java.util.Optional;

/**
 * Settings of the prediction log, read once at start-up from
 * {@code mlmesh.inference.prediction-log.*}. Without a Redis URL the log is off and Predict
 * does no logging work at all.
 */
@ConfigMapping(prefix = "mlmesh.inference.prediction-log")
public interface PredictionLogConfig {

    /** The Redis server of the stream, for example {@code redis://127.0.0.1:6379}; unset: off. */
    Optional<String> redisUrl();

    /** The stream the entries are appended to; monitor-svc reads the same key. */
    @WithDefault("mlmesh:predictions")
    String streamKey();

    /** Predictions waiting for the writer; when it is full, new ones are dropped and counted. */
    @WithDefault("10000")
    int bufferSize();

    /** The stream is trimmed (approximately, as Redis trims whole nodes) to this many entries. */
    @WithDefault("1000000")
    long maxStreamLength();

    /**
     * Personal columns (request fields or {@code view__feature} online features): logged as
     * HMAC-SHA-256 of their text under {@link #hmacKey()}, or left out when there is no key;
     * either way named in the entry's {@code masked_columns}.
     */
    Optional<List<String>> maskedColumns();

    /** The key of the masking hash (UTF-8); never logged. Unset: masked columns are dropped. */
    Optional<String> hmacKey();

    /** The most entries the writer appends in one pipelined round trip. */
    @WithDefault("256")
    int maxWriteBatch();

    /** How long the writer waits for Redis (connect, one batch of appends). */
    @WithDefault("2000")
    long writeTimeoutMillis();

    /** How long the writer waits before connecting again after Redis was unreachable. */
    @WithDefault("1000")
    long retryDelayMillis();
}
