package io.mlmesh.monitor.feedback;

import com.google.protobuf.Timestamp;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.codec.StringCodec;
import io.micrometer.core.instrument.MeterRegistry;
import io.mlmesh.monitor.config.MonitorConfig;
import io.mlmesh.monitor.v1.PredictionLogEntry;
import io.mlmesh.monitor.v1.RecordOutcomeRequest;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.function.Function;
import org.jboss.logging.Logger;

/**
 * The feedback loop of monitor-svc: the {@link PredictionLogConsumer} fills the
 * {@link FeedbackStore} with served predictions, clients record outcomes, and the joined rows
 * give live quality and the labelled export.
 *
 * <p>Requests validate their input here (IllegalArgumentException naming the field) and turn
 * every Redis failure into {@link FeedbackUnavailableException}. The request-side connection
 * is opened on first use, so the monitor starts while Redis is down; Lettuce reconnects it
 * afterwards. Thread-safe.
 */
@Singleton
public class FeedbackLoop {

    private static final Logger LOG = Logger.getLogger(FeedbackLoop.class);
    private static final long MAX_TIMESTAMP_SECONDS = 253_402_300_799L;

    private final MonitorConfig.Feedback config;
    private final MeterRegistry registry;
    private volatile RedisClient client;
    private volatile PredictionLogConsumer consumer;
    private FeedbackStore store;
    private final List<Consumer<PredictionLogEntry>> storedListeners =
            new CopyOnWriteArrayList<>();

    public FeedbackLoop(MonitorConfig config, MeterRegistry registry) {
        this.config = config.feedback();
        this.registry = registry;
    }

    void start(@Observes StartupEvent event) {
        if (config.redisUrl().isEmpty()) {
            LOG.info("feedback loop off: mlmesh.monitor.feedback.redis-url is not set");
            return;
        }

        RedisURI uri = uriOf(config.redisUrl().get());
        uri.setTimeout(config.redisTimeout());
        client = RedisClient.create(uri);
        consumer = new PredictionLogConsumer(client, config, registry, this::storedPrediction);
        consumer.start();
    }

    private static RedisURI uriOf(String redisUrl) {
        try {
            return RedisURI.create(redisUrl);
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("mlmesh.monitor.feedback.redis-url is not a Redis URL"
                    + " such as redis://host:6379 (not echoed: it may hold a password)", e);
        }
    }

    void stop(@Observes ShutdownEvent event) throws InterruptedException {
        if (client == null) {
            return;
        }

        consumer.stop();
        client.shutdown();
    }

    /**
     * Adds a listener told of every prediction the consumer stores for the first time (not of
     * duplicates), on the consumer's thread, before the entry is acknowledged. Listeners added
     * before start see every entry.
     */
    public void onStoredPrediction(Consumer<PredictionLogEntry> listener) {
        storedListeners.add(listener);
    }

    /** Tells every listener; a failing one is logged, so that consumption never stops. */
    private void storedPrediction(PredictionLogEntry entry) {
        for (Consumer<PredictionLogEntry> listener : storedListeners) {
            try {
                listener.accept(entry);
            } catch (RuntimeException e) {
                LOG.warnf(e, "stored prediction listener failed request=%s model=%s",
                        entry.getRequestId(), entry.getModel());
            }
        }
    }

    /** The stream consumer; tests stop and start it to play a monitor restart. */
    public PredictionLogConsumer consumer() {
        if (consumer == null) {
            throw off();
        }
        return consumer;
    }

    /** Records the outcome of {@code request}; its time defaults to now. */
    public OutcomeResult recordOutcome(RecordOutcomeRequest request) {
        checkOutcome(request);
        RecordOutcomeRequest timed = request.hasTime()
                ? request
                : request.toBuilder().setTime(timestampOf(Instant.now())).build();
        return withStore(feedback -> feedback.recordOutcome(timed));
    }

    /**
     * Live quality of a model's joined rows, of one version or all (version 0). A model (or
     * version) with logged predictions but no outcomes yet gives a report without groups.
     *
     * @throws PredictionsNotFoundException when no prediction of it was logged
     */
    public LiveQualityReport liveQuality(String model, long version) {
        checkModel(model);
        if (version < 0) {
            throw new IllegalArgumentException("version must be 0 (every version) or positive,"
                    + " got " + version);
        }

        return withStore(feedback -> {
            LiveQualityReport report =
                    LiveQualityReport.of(model, version, feedback.joinedRows(model));
            if (report.groups().isEmpty()) {
                requireLogged(feedback.loggedVersions(model), model, version);
            }
            return report;
        });
    }

    private static void requireLogged(Set<Long> loggedVersions, String model, long version) {
        if (loggedVersions.isEmpty()) {
            throw new PredictionsNotFoundException(
                    "no predictions logged for model '" + model + "'");
        }
        if (version != 0 && !loggedVersions.contains(version)) {
            throw new PredictionsNotFoundException("no predictions logged for model '" + model
                    + "' version " + version);
        }
    }

    /** The joined rows of one model version, ordered by request id. */
    public List<JoinedRow> export(String model, long version) {
        checkModel(model);
        if (version < 1) {
            throw new IllegalArgumentException("version must be at least 1, got " + version);
        }
        return withStore(feedback -> feedback.joinedRows(model)).stream()
                .filter(row -> row.prediction().getVersion() == version)
                .toList();
    }

    private <T> T withStore(Function<FeedbackStore, T> work) {
        if (client == null) {
            throw off();
        }
        try {
            return work.apply(store());
        } catch (RedisException e) {
            LOG.warnf("feedback store failed error=%s", e.toString());
            throw new FeedbackUnavailableException("feedback store (Redis) unavailable: "
                    + e.getMessage(), e);
        }
    }

    private static FeedbackUnavailableException off() {
        return new FeedbackUnavailableException(
                "feedback is off: mlmesh.monitor.feedback.redis-url is not set", null);
    }

    private synchronized FeedbackStore store() {
        if (store == null) {
            StatefulRedisConnection<String, byte[]> connection =
                    client.connect(RedisCodec.of(StringCodec.UTF8, ByteArrayCodec.INSTANCE));
            store = new FeedbackStore(connection.sync(), config.keyPrefix(), config.retention());
        }
        return store;
    }

    private static void checkOutcome(RecordOutcomeRequest request) {
        if (request.getRequestId().isBlank()) {
            throw new IllegalArgumentException("request_id is empty");
        }
        if (request.getLabel() != 0 && request.getLabel() != 1) {
            throw new IllegalArgumentException("label must be 0 or 1, got " + request.getLabel());
        }
        Timestamp time = request.getTime();
        if (request.hasTime() && (time.getSeconds() < 0 || time.getSeconds()
                > MAX_TIMESTAMP_SECONDS || time.getNanos() < 0 || time.getNanos() > 999_999_999)) {
            throw new IllegalArgumentException(
                    "time must lie between 1970 and 9999 with valid nanos");
        }
    }

    private static void checkModel(String model) {
        if (model.isBlank()) {
            throw new IllegalArgumentException("model is empty");
        }
    }

    private static Timestamp timestampOf(Instant instant) {
        return Timestamp.newBuilder().setSeconds(instant.getEpochSecond())
                .setNanos(instant.getNano()).build();
    }
}
