package io.mlmesh.client;

import io.grpc.ChannelCredentials;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.TlsChannelCredentials;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Builds gRPC channels to mlmesh services that spread calls over every replica.
 *
 * <p>gRPC multiplexes all calls of a channel on long-lived HTTP/2 connections, so a plain
 * Kubernetes ClusterIP Service balances connections, not calls: one client sticks to one pod.
 * These channels instead resolve a {@code dns:///} name (a headless Service gives one address
 * per ready pod), keep one connection per address and pick a connection per call with the
 * {@code round_robin} policy. The resolver re-resolves when a connection fails, so pods that
 * come and go are followed.
 *
 * <p>The default service config also retries a call that fails with {@code UNAVAILABLE} (the
 * pod died or is draining): gRPC sends it again, with exponential backoff, on the next picked
 * connection. Only UNAVAILABLE is retried: it means the call did not run, while any other code
 * is the service's answer. Streamed requests are retried only while they fit gRPC's retry
 * buffer (1 MiB per call by default).
 *
 * <p>Channels are thread-safe and meant to be shared and kept for the life of the client;
 * close them with {@link ManagedChannel#shutdown()}.
 */
public final class MlmeshChannels {

    private MlmeshChannels() {
    }

    /** Opens a channel with {@link ChannelSettings#defaults(String)}. */
    public static ManagedChannel open(String target) {
        return open(ChannelSettings.defaults(target));
    }

    /**
     * Opens a channel; connections are made on the first call, not here.
     *
     * @throws UncheckedIOException when the trusted certificates file cannot be read
     */
    public static ManagedChannel open(ChannelSettings settings) {
        ChannelCredentials credentials = credentialsOf(settings);

        return Grpc.newChannelBuilder(settings.target(), credentials)
                .defaultServiceConfig(serviceConfig(settings))
                .enableRetry()
                .keepAliveTime(settings.keepAliveTime().toNanos(), TimeUnit.NANOSECONDS)
                .keepAliveTimeout(settings.keepAliveTimeout().toNanos(), TimeUnit.NANOSECONDS)
                .maxInboundMessageSize(settings.maxInboundMessageBytes())
                .build();
    }

    /**
     * The service config of a channel, in gRPC's JSON shape (numbers as doubles, durations as
     * strings such as {@code "0.050s"}): round_robin, and a retry policy for UNAVAILABLE on
     * every method.
     */
    public static Map<String, Object> serviceConfig(ChannelSettings settings) {
        Map<String, Object> retryPolicy = Map.of(
                "maxAttempts", (double) settings.maxAttempts(),
                "initialBackoff", seconds(settings.initialBackoff()),
                "maxBackoff", seconds(settings.maxBackoff()),
                "backoffMultiplier", settings.backoffMultiplier(),
                "retryableStatusCodes", List.of("UNAVAILABLE"));
        Map<String, Object> everyMethod = Map.of(
                "name", List.of(Map.of()),
                "retryPolicy", retryPolicy);

        return Map.of(
                "loadBalancingConfig", List.of(Map.of("round_robin", Map.of())),
                "methodConfig", List.of(everyMethod));
    }

    private static ChannelCredentials credentialsOf(ChannelSettings settings) {
        if (!settings.tls()) {
            return InsecureChannelCredentials.create();
        }
        if (settings.trustedCertificates() == null) {
            return TlsChannelCredentials.create();
        }

        try {
            return TlsChannelCredentials.newBuilder()
                    .trustManager(settings.trustedCertificates().toFile()).build();
        } catch (IOException e) {
            throw new UncheckedIOException("trustedCertificates "
                    + settings.trustedCertificates() + " cannot be read as PEM certificates", e);
        }
    }

    private static String seconds(Duration duration) {
        return String.format(Locale.ROOT, "%.9fs", duration.toNanos() / 1e9);
    }
}
