package io.mlmesh.monitor.feedback;

import com.google.protobuf.InvalidProtocolBufferException;
import io.lettuce.core.Consumer;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisException;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.XAutoClaimArgs;
import io.lettuce.core.XGroupCreateArgs;
import io.lettuce.core.XReadArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.models.stream.ClaimedMessages;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.mlmesh.monitor.config.MonitorConfig;
import io.mlmesh.monitor.v1.PredictionLogEntry;
import java.util.List;
import org.jboss.logging.Logger;

/**
 * Reads the prediction log stream as one consumer of a consumer group and stores each entry
 * in the {@link FeedbackStore} (over the consumer's own connection).
 *
 * <p>At least once, idempotent: an entry is acknowledged (XACK) only after it is stored, so a
 * crash between the two leaves it pending and it is read again; storing is idempotent by
 * request id, so a second copy (from such a re-read, or written twice into the stream) changes
 * nothing. Nothing lost across a restart: on every start, and after every Redis failure, the
 * consumer first re-reads the entries pending under its own name (id 0), and reads new ones
 * ({@code >}) only when none are left. Entries another consumer of the group left pending
 * for over {@code claim-idle} (a monitor renamed or gone) are claimed first (XAUTOCLAIM). An
 * entry that is not a valid log entry is logged, counted and acknowledged, so that it cannot
 * block the stream. While Redis is down the consumer retries every {@code retry-delay}, with
 * one WARN line per outage.
 *
 * <p>{@link #start} and {@link #stop} are called by {@link FeedbackLoop} (and tests); the
 * reading runs on one thread of its own, with its own connection, since a blocking read holds
 * the connection.
 */
public final class PredictionLogConsumer {

    private static final Logger LOG = Logger.getLogger(PredictionLogConsumer.class);
    private static final String ENTRY_FIELD = "entry";
    private static final String BUSY_GROUP = "BUSYGROUP";
    private static final String FIRST_ID = "0-0";
    private static final long STOP_TIMEOUT_MILLIS = 10_000;

    private final RedisClient client;
    private final MonitorConfig.Feedback config;
    private final Counter stored;
    private final Counter duplicates;
    private final Counter rejected;
    private final java.util.function.Consumer<PredictionLogEntry> onStored;
    private volatile boolean running;
    private Thread reader;
    private boolean failing;

    PredictionLogConsumer(RedisClient client, MonitorConfig.Feedback config,
            MeterRegistry registry, java.util.function.Consumer<PredictionLogEntry> onStored) {
        this.client = client;
        this.config = config;
        this.stored = registry.counter("mlmesh.monitor.predictions.stored");
        this.duplicates = registry.counter("mlmesh.monitor.predictions.duplicates");
        this.rejected = registry.counter("mlmesh.monitor.predictions.rejected");
        this.onStored = onStored;
    }

    /** Starts reading on a new thread; does nothing when already running. */
    public synchronized void start() {
        if (running) {
            return;
        }

        running = true;
        reader = new Thread(this::consumeUntilStopped, "prediction-log-consumer");
        reader.setDaemon(true);
        reader.start();
        LOG.infof("prediction log consumer started stream=%s group=%s consumer=%s",
                config.streamKey(), config.consumerGroup(), config.consumerName());
    }

    /** Stops reading after the current batch (within one read block) and waits for it. */
    public synchronized void stop() throws InterruptedException {
        if (!running) {
            return;
        }

        running = false;
        reader.join(STOP_TIMEOUT_MILLIS);
        LOG.infof("prediction log consumer stopped consumer=%s", config.consumerName());
    }

    private void consumeUntilStopped() {
        try {
            while (running) {
                consumeWhileConnected();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void consumeWhileConnected() throws InterruptedException {
        try (StatefulRedisConnection<String, byte[]> connection = connect()) {
            RedisCommands<String, byte[]> commands = connection.sync();
            FeedbackStore store = new FeedbackStore(commands, config.keyPrefix(),
                    config.retention());
            createGroup(commands);
            claimAbandoned(commands);
            if (failing) {
                LOG.infof("prediction log readable again consumer=%s", config.consumerName());
                failing = false;
            }
            boolean pendingFirst = true;
            while (running) {
                pendingFirst = consumeBatch(commands, store, pendingFirst);
            }
        } catch (RedisException e) {
            if (!failing) {
                LOG.warnf("prediction log read failed, retrying every %s until Redis answers"
                        + " consumer=%s error=%s", config.retryDelay(), config.consumerName(),
                        e.toString());
                failing = true;
            }
            Thread.sleep(config.retryDelay().toMillis());
        }
    }

    private StatefulRedisConnection<String, byte[]> connect() {
        StatefulRedisConnection<String, byte[]> connection =
                client.connect(RedisCodec.of(StringCodec.UTF8, ByteArrayCodec.INSTANCE));
        connection.setTimeout(config.redisTimeout().plus(config.readBlock()));
        return connection;
    }

    private void createGroup(RedisCommands<String, byte[]> commands) {
        try {
            commands.xgroupCreate(XReadArgs.StreamOffset.from(config.streamKey(), "0"),
                    config.consumerGroup(), XGroupCreateArgs.Builder.mkstream());
        } catch (RedisCommandExecutionException e) {
            if (e.getMessage() == null || !e.getMessage().startsWith(BUSY_GROUP)) {
                throw e;
            }
        }
    }

    /**
     * Makes this consumer the owner of entries pending in the group for longer than
     * {@code claim-idle}, whoever read them; the pending-first reads then store them.
     */
    private void claimAbandoned(RedisCommands<String, byte[]> commands) {
        Consumer<String> me = Consumer.from(config.consumerGroup(), config.consumerName());
        String cursor = FIRST_ID;
        long claimed = 0;
        do {
            ClaimedMessages<String, byte[]> batch = commands.xautoclaim(config.streamKey(),
                    XAutoClaimArgs.Builder.xautoclaim(me, config.claimIdle(), cursor)
                            .count(config.readBatchSize()));
            claimed += batch.getMessages().size();
            cursor = batch.getId();
        } while (!FIRST_ID.equals(cursor));

        if (claimed > 0) {
            LOG.infof("prediction log entries idle over %s claimed count=%d consumer=%s",
                    config.claimIdle(), claimed, config.consumerName());
        }
    }

    /**
     * Reads and stores one batch: pending entries of this consumer while {@code pendingFirst},
     * new ones afterwards.
     *
     * @return whether the next batch still reads pending entries
     */
    private boolean consumeBatch(RedisCommands<String, byte[]> commands, FeedbackStore store,
            boolean pendingFirst) {
        Consumer<String> me = Consumer.from(config.consumerGroup(), config.consumerName());
        List<StreamMessage<String, byte[]>> messages = pendingFirst
                ? commands.xreadgroup(me, XReadArgs.Builder.count(config.readBatchSize()),
                        XReadArgs.StreamOffset.from(config.streamKey(), "0"))
                : commands.xreadgroup(me, XReadArgs.Builder.count(config.readBatchSize())
                        .block(config.readBlock()),
                        XReadArgs.StreamOffset.lastConsumed(config.streamKey()));

        for (StreamMessage<String, byte[]> message : messages) {
            storeEntry(message, store);
            commands.xack(config.streamKey(), config.consumerGroup(), message.getId());
        }
        return pendingFirst && !messages.isEmpty();
    }

    private void storeEntry(StreamMessage<String, byte[]> message, FeedbackStore store) {
        PredictionLogEntry entry = parse(message);
        if (entry == null) {
            rejected.increment();
            return;
        }

        if (store.storePrediction(entry)) {
            stored.increment();
            onStored.accept(entry);
        } else {
            duplicates.increment();
        }
    }

    private static PredictionLogEntry parse(StreamMessage<String, byte[]> message) {
        byte[] bytes = message.getBody().get(ENTRY_FIELD);
        if (bytes == null) {
            LOG.warnf("prediction log entry without field %s skipped id=%s", ENTRY_FIELD,
                    message.getId());
            return null;
        }

        try {
            PredictionLogEntry entry = PredictionLogEntry.parseFrom(bytes);
            if (entry.getRequestId().isEmpty() || entry.getModel().isEmpty()) {
                LOG.warnf("prediction log entry without request id or model skipped id=%s",
                        message.getId());
                return null;
            }
            return entry;
        } catch (InvalidProtocolBufferException e) {
            LOG.warnf("prediction log entry is not a PredictionLogEntry, skipped id=%s",
                    message.getId());
            return null;
        }
    }
}
