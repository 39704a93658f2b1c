package io.mlmesh.inference.predictionlog;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.XAddArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.codec.StringCodec;
import io.mlmesh.monitor.v1.PredictionLogEntry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Appends log entries to the Redis stream: one XADD per entry with the fields {@code entry}
 * (the serialized {@link PredictionLogEntry}) and {@code request_id}, and an approximate
 * MAXLEN trim, pipelined per batch.
 *
 * <p>Commands issued while the connection is down are rejected at once instead of being queued
 * inside Lettuce, so a Redis outage can never hold memory beyond the log's own buffer; the
 * writer sees {@link #connected()} go false and stops draining until Lettuce has reconnected.
 *
 * <p>Used by the prediction log's writer thread only.
 */
final class StreamWriter implements AutoCloseable {

    private static final String ENTRY_FIELD = "entry";
    private static final String REQUEST_ID_FIELD = "request_id";

    private final RedisClient client;
    private final String streamKey;
    private final XAddArgs addArgs;
    private final long timeoutMillis;
    private StatefulRedisConnection<String, byte[]> connection;
    private Throwable lastFailure;

    StreamWriter(String redisUrl, String streamKey, long maxStreamLength, long timeoutMillis) {
        Duration timeout = Duration.ofMillis(timeoutMillis);
        RedisURI uri = RedisURI.create(redisUrl);
        uri.setTimeout(timeout);
        this.client = RedisClient.create(uri);
        client.setOptions(ClientOptions.builder()
                .autoReconnect(true)
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                .socketOptions(SocketOptions.builder().connectTimeout(timeout).build())
                .timeoutOptions(TimeoutOptions.enabled(timeout))
                .build());
        this.streamKey = streamKey;
        this.addArgs = XAddArgs.Builder.maxlen(maxStreamLength).approximateTrimming();
        this.timeoutMillis = timeoutMillis;
    }

    /** Whether a connection is open; Lettuce reconnects an open connection that broke. */
    boolean connected() {
        return connection != null && connection.isOpen();
    }

    /**
     * Opens the connection once; afterwards Lettuce keeps it alive by itself.
     *
     * @throws io.lettuce.core.RedisConnectionException when Redis cannot be reached
     */
    void connect() {
        if (connection == null) {
            connection = client.connect(RedisCodec.of(StringCodec.UTF8, ByteArrayCodec.INSTANCE));
        }
    }

    /**
     * Appends the entries, in order, and waits for Redis to confirm them.
     *
     * @return how many were appended; the others failed (connection lost, timeout, refused)
     */
    int append(List<PredictionLogEntry> entries) throws InterruptedException {
        RedisAsyncCommands<String, byte[]> commands = connection.async();
        List<RedisFuture<String>> pending = new ArrayList<>(entries.size());
        for (PredictionLogEntry entry : entries) {
            pending.add(commands.xadd(streamKey, addArgs, Map.of(
                    ENTRY_FIELD, entry.toByteArray(),
                    REQUEST_ID_FIELD, entry.getRequestId().getBytes(StandardCharsets.UTF_8))));
        }

        long deadlineNanos = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        int appended = 0;
        for (RedisFuture<String> future : pending) {
            if (awaited(future, deadlineNanos)) {
                appended++;
            }
        }
        return appended;
    }

    /** Why the latest failed append failed, for the log. */
    Throwable lastFailure() {
        return lastFailure;
    }

    private boolean awaited(RedisFuture<String> future, long deadlineNanos)
            throws InterruptedException {
        try {
            future.get(Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
            return true;
        } catch (ExecutionException | TimeoutException e) {
            lastFailure = e.getCause() == null ? e : e.getCause();
            future.cancel(true);
            return false;
        }
    }

    @Override
    public void close() {
        if (connection != null) {
            connection.close();
        }
        client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
    }
}
