package io.mlmesh.monitor.feedback;

import io.quarkus.test.junit.QuarkusTestProfile;
import java.util.Map;
import java.util.UUID;

/**
 * Turns the feedback loop on against the local Redis (127.0.0.1:6379), under a key prefix and
 * stream of this test run's own, which the test deletes afterwards.
 */
public final class FeedbackRedisProfile implements QuarkusTestProfile {

    static final String REDIS_URL = "redis://127.0.0.1:6379";
    static final String PREFIX = "mlmesh-feedback-it-" + UUID.randomUUID() + ":";
    static final String STREAM = PREFIX + "predictions";
    static final String GROUP = "monitor-it";
    static final String CONSUMER = "monitor-it-1";
    static final long CLAIM_IDLE_MILLIS = 200;

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of(
                "mlmesh.monitor.feedback.redis-url", REDIS_URL,
                "mlmesh.monitor.feedback.stream-key", STREAM,
                "mlmesh.monitor.feedback.key-prefix", PREFIX,
                "mlmesh.monitor.feedback.consumer-group", GROUP,
                "mlmesh.monitor.feedback.consumer-name", CONSUMER,
                "mlmesh.monitor.feedback.retention", "1h",
                "mlmesh.monitor.feedback.read-block", "200ms",
                "mlmesh.monitor.feedback.claim-idle", CLAIM_IDLE_MILLIS + "ms");
    }
}
