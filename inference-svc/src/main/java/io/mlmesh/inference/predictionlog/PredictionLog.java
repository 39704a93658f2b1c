package io.mlmesh.inference.predictionlog;

import io.lettuce.core.RedisException;
import io.lettuce.core.RedisURI;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.mlmesh.inference.features.OnlineFeaturePlan;
import io.mlmesh.inference.features.OnlineFeatures;
import io.mlmesh.inference.v1.PredictRequest;
import io.mlmesh.inference.v1.PredictResponse;
import io.mlmesh.monitor.v1.PredictionLogEntry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * The prediction log: every served Predict goes, as a {@link PredictionLogEntry}, to a Redis
 * stream that monitor-svc consumes for live quality and drift.
 *
 * <p>Design: serving must never wait for the log. {@link #offer} puts a small record into a
 * bounded buffer without blocking and returns; when the buffer is full the prediction is
 * dropped and counted ({@value #DROPPED_METRIC}). One writer thread drains the buffer in
 * batches, encodes and masks the entries (so hashing costs the serving threads nothing) and
 * appends them pipelined. While Redis is unreachable the writer stops draining and retries the
 * connection every {@code retry-delay-millis}; the buffer fills and further predictions are
 * dropped, so an outage costs memory bounded by {@code buffer-size} and a WARN line at most
 * every {@value #WARN_INTERVAL_SECONDS} seconds. Entries Redis refused or did not confirm in
 * time are counted as failed ({@value #FAILED_METRIC}); they are not retried, because a retry
 * of an unconfirmed XADD could append the entry twice (the monitor would ignore the copy, but
 * the stream's length budget would not).
 *
 * <p>{@link #offer} may be called from any thread; the rest runs on the writer thread. Off
 * (offer returns at once, no thread) when {@code mlmesh.inference.prediction-log.redis-url}
 * is not set.
 */
@Singleton
public class PredictionLog {

    static final String DROPPED_METRIC = "mlmesh.inference.prediction.log.dropped";
    static final String FAILED_METRIC = "mlmesh.inference.prediction.log.failed";
    static final String WRITTEN_METRIC = "mlmesh.inference.prediction.log.written";
    private static final String BUFFERED_METRIC = "mlmesh.inference.prediction.log.buffered";
    private static final long WARN_INTERVAL_SECONDS = 30;
    private static final long POLL_MILLIS = 200;
    private static final long STOP_TIMEOUT_MILLIS = 5000;
    private static final Logger LOG = Logger.getLogger(PredictionLog.class);

    private final PredictionLogConfig config;
    private final BlockingQueue<ServedPrediction> buffer;
    private final Counter dropped;
    private final Counter failed;
    private final Counter written;
    private final ThrottledWarning redisWarning;
    private volatile boolean running;
    private Thread writer;

    public PredictionLog(PredictionLogConfig config, MeterRegistry registry) {
        if (config.bufferSize() < 1 || config.maxWriteBatch() < 1
                || config.maxStreamLength() < 1) {
            throw new IllegalStateException("mlmesh.inference.prediction-log: buffer-size,"
                    + " max-write-batch and max-stream-length must be at least 1");
        }
        config.redisUrl().ifPresent(PredictionLog::checkUrl);
        this.config = config;
        this.buffer = new ArrayBlockingQueue<>(config.bufferSize());
        this.dropped = registry.counter(DROPPED_METRIC);
        this.failed = registry.counter(FAILED_METRIC);
        this.written = registry.counter(WRITTEN_METRIC);
        Gauge.builder(BUFFERED_METRIC, buffer, BlockingQueue::size).register(registry);
        this.redisWarning = new ThrottledWarning(LOG,
                TimeUnit.SECONDS.toNanos(WARN_INTERVAL_SECONDS), System::nanoTime);
    }

    private static void checkUrl(String redisUrl) {
        try {
            RedisURI.create(redisUrl);
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("mlmesh.inference.prediction-log.redis-url is not a"
                    + " Redis URL such as redis://host:6379 (not echoed: it may hold a password)",
                    e);
        }
    }

    /** Whether predictions are logged (a Redis URL is configured). */
    public boolean enabled() {
        return config.redisUrl().isPresent();
    }

    /**
     * Hands a finished prediction to the log; never blocks, never throws for the log's sake.
     *
     * @param request the client's request
     * @param plan the model's online features
     * @param online the online values the model read
     * @param receivedNanos {@link System#nanoTime()} when the request arrived
     * @param response the answer about to be sent
     */
    public void offer(PredictRequest request, OnlineFeaturePlan plan, OnlineFeatures online,
            long receivedNanos, PredictResponse response) {
        if (!running) {
            return;
        }

        long latencyMicros = TimeUnit.NANOSECONDS.toMicros(System.nanoTime() - receivedNanos);
        ServedPrediction served = new ServedPrediction(request, plan, online, response,
                latencyMicros, System.currentTimeMillis());
        if (!buffer.offer(served)) {
            dropped.increment();
        }
    }

    void start(@Observes StartupEvent event) {
        if (!enabled()) {
            LOG.info("prediction log off: mlmesh.inference.prediction-log.redis-url is not set");
            return;
        }

        running = true;
        writer = new Thread(this::writeUntilStopped, "prediction-log-writer");
        writer.setDaemon(true);
        writer.start();
        LOG.infof("prediction log on stream=%s bufferSize=%d maskedColumns=%s",
                config.streamKey(), config.bufferSize(), config.maskedColumns().orElse(List.of()));
    }

    void stop(@Observes ShutdownEvent event) throws InterruptedException {
        if (writer == null) {
            return;
        }

        running = false;
        writer.join(STOP_TIMEOUT_MILLIS);
        LOG.infof("prediction log stopped unwritten=%d", buffer.size());
    }

    private void writeUntilStopped() {
        EntryEncoder encoder = new EntryEncoder(config.maskedColumns().orElse(List.of()),
                config.hmacKey().orElse(null));
        try (StreamWriter stream = new StreamWriter(config.redisUrl().orElseThrow(),
                config.streamKey(), config.maxStreamLength(), config.writeTimeoutMillis())) {
            List<ServedPrediction> batch = new ArrayList<>(config.maxWriteBatch());
            while (running || !buffer.isEmpty() && stream.connected()) {
                if (!connected(stream)) {
                    Thread.sleep(config.retryDelayMillis());
                    continue;
                }
                drainInto(batch);
                write(batch, encoder, stream);
                batch.clear();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private boolean connected(StreamWriter stream) {
        try {
            stream.connect();
        } catch (RedisException e) {
            redisWarning.warn("prediction log cannot reach Redis, predictions wait and are"
                    + " dropped when the buffer is full", e);
            return false;
        }
        return stream.connected();
    }

    private void drainInto(List<ServedPrediction> batch) throws InterruptedException {
        ServedPrediction first = buffer.poll(POLL_MILLIS, TimeUnit.MILLISECONDS);
        if (first != null) {
            batch.add(first);
            buffer.drainTo(batch, config.maxWriteBatch() - 1);
        }
    }

    private void write(List<ServedPrediction> batch, EntryEncoder encoder, StreamWriter stream)
            throws InterruptedException {
        if (batch.isEmpty()) {
            return;
        }

        List<PredictionLogEntry> entries = new ArrayList<>(batch.size());
        for (ServedPrediction served : batch) {
            entries.add(encoder.encode(served));
        }
        int appended = stream.append(entries);
        written.increment(appended);
        if (appended < entries.size()) {
            failed.increment(entries.size() - appended);
            redisWarning.warn("prediction log append failed, entries lost", stream.lastFailure());
        }
    }
}
