package io.mlmesh.client;

import java.nio.file.Path;
import java.time.Duration;

/**
 * How a client channel to one mlmesh service is built: where it points, how it retries, how it
 * keeps idle connections alive and how large a message it accepts.
 *
 * @param target gRPC target, for example {@code dns:///mlmesh-inference-svc.ml:9104}; a
 *     {@code dns:///} name of a headless Service resolves to every ready pod
 * @param maxAttempts attempts per call, the first included (2 to 5; gRPC caps it at 5)
 * @param initialBackoff wait before the first retry (randomised by gRPC between 0 and it)
 * @param maxBackoff longest wait between two attempts
 * @param backoffMultiplier growth of the wait after each attempt (at least 1)
 * @param keepAliveTime time without reads after which the client pings the server, so that a
 *     vanished pod is noticed without waiting for a call to fail; servers reject pings more
 *     frequent than their own limit, so keep this at 30 seconds or more
 * @param keepAliveTimeout time a ping may take before the connection is closed
 * @param maxInboundMessageBytes largest response accepted, in bytes
 * @param tls whether to speak TLS instead of plaintext
 * @param trustedCertificates PEM file of the CA certificates to trust over TLS, for example the
 *     {@code ca.crt} of the chart's TLS Secret; null: the JVM's default trust store
 */
public record ChannelSettings(
        String target,
        int maxAttempts,
        Duration initialBackoff,
        Duration maxBackoff,
        double backoffMultiplier,
        Duration keepAliveTime,
        Duration keepAliveTimeout,
        int maxInboundMessageBytes,
        boolean tls,
        Path trustedCertificates) {

    /** Attempts gRPC allows at most; a service config asking for more is capped to it. */
    public static final int MAX_ATTEMPTS_LIMIT = 5;

    /** Checks every setting; a bad one names itself and its value. */
    public ChannelSettings {
        requireNotNull(target, "target");
        requireNotNull(initialBackoff, "initialBackoff");
        requireNotNull(maxBackoff, "maxBackoff");
        requireNotNull(keepAliveTime, "keepAliveTime");
        requireNotNull(keepAliveTimeout, "keepAliveTimeout");
        if (target.isBlank()) {
            throw new IllegalArgumentException("target is empty");
        }
        if (maxAttempts < 2 || maxAttempts > MAX_ATTEMPTS_LIMIT) {
            throw new IllegalArgumentException("maxAttempts must be between 2 and "
                    + MAX_ATTEMPTS_LIMIT + ", was " + maxAttempts);
        }
        requirePositive(initialBackoff, "initialBackoff");
        requirePositive(keepAliveTime, "keepAliveTime");
        requirePositive(keepAliveTimeout, "keepAliveTimeout");
        if (maxBackoff.compareTo(initialBackoff) < 0) {
            throw new IllegalArgumentException("maxBackoff " + maxBackoff
                    + " is shorter than initialBackoff " + initialBackoff);
        }
        if (!(backoffMultiplier >= 1.0)) {
            throw new IllegalArgumentException("backoffMultiplier must be at least 1, was "
                    + backoffMultiplier);
        }
        if (maxInboundMessageBytes <= 0) {
            throw new IllegalArgumentException("maxInboundMessageBytes must be positive, was "
                    + maxInboundMessageBytes);
        }
        if (trustedCertificates != null && !tls) {
            throw new IllegalArgumentException("trustedCertificates " + trustedCertificates
                    + " is set but tls is off");
        }
    }

    /**
     * Settings for production use: 3 attempts, backoff 50 ms growing twice up to 1 s, keepalive
     * ping after 30 s of silence with 10 s to answer, 64 MiB messages (the services' own
     * limit), plaintext.
     */
    public static ChannelSettings defaults(String target) {
        return new ChannelSettings(target, 3, Duration.ofMillis(50), Duration.ofSeconds(1), 2.0,
                Duration.ofSeconds(30), Duration.ofSeconds(10), 64 * 1024 * 1024, false, null);
    }

    /** A {@code dns:///host:port} target: the name is resolved to all its addresses. */
    public static String dnsTarget(String host, int port) {
        if (host == null || host.isBlank()) {
            throw new IllegalArgumentException("host is empty");
        }
        if (port < 1 || port > 65_535) {
            throw new IllegalArgumentException("port must be between 1 and 65535, was " + port);
        }

        return "dns:///" + host + ":" + port;
    }

    /** The same settings with another retry policy. */
    public ChannelSettings withRetry(int attempts, Duration firstBackoff, Duration longestBackoff) {
        return new ChannelSettings(target, attempts, firstBackoff, longestBackoff,
                backoffMultiplier, keepAliveTime, keepAliveTimeout, maxInboundMessageBytes, tls,
                trustedCertificates);
    }

    /** The same settings over TLS, trusting the JVM's default trust store. */
    public ChannelSettings withTls() {
        return new ChannelSettings(target, maxAttempts, initialBackoff, maxBackoff,
                backoffMultiplier, keepAliveTime, keepAliveTimeout, maxInboundMessageBytes, true,
                null);
    }

    /**
     * The same settings over TLS, trusting only the CA certificates in a PEM file (a private CA,
     * such as the one behind the chart's {@code tls} Secret).
     */
    public ChannelSettings withTls(Path caCertificates) {
        requireNotNull(caCertificates, "caCertificates");
        return new ChannelSettings(target, maxAttempts, initialBackoff, maxBackoff,
                backoffMultiplier, keepAliveTime, keepAliveTimeout, maxInboundMessageBytes, true,
                caCertificates);
    }

    private static void requireNotNull(Object value, String name) {
        if (value == null) {
            throw new IllegalArgumentException(name + " is missing");
        }
    }

    private static void requirePositive(Duration value, String name) {
        if (value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(name + " must be positive, was " + value);
        }
    }
}
