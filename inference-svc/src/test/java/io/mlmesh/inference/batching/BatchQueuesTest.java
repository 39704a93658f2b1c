package io.mlmesh.inference.batching;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.prometheus.PrometheusConfig;
import io.micrometer.prometheus.PrometheusMeterRegistry;
import io.mlmesh.inference.FlightsModel;
import io.mlmesh.inference.config.InferenceConfig;
import io.mlmesh.inference.features.OnlineFeaturePlan;
import io.mlmesh.inference.model.RequestSchema;
import io.mlmesh.inference.model.ServingModel;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The queue-depth gauge an autoscaler reads, taken from the MeterRegistry while real requests
 * wait behind a batch of the flights booster that is held busy, and from the Prometheus text
 * that a ServiceMonitor scrapes and a metrics adapter serves to the autoscaler.
 */
class BatchQueuesTest {

    private static final long NO_DEADLINE = Long.MAX_VALUE;

    private final PrometheusMeterRegistry meters =
            new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final Semaphore engineCalls = new Semaphore(0);
    private final CountDownLatch release = new CountDownLatch(1);
    private FlightsModel flights;
    private BatchQueues queues;

    @BeforeEach
    void startQueues() {
        flights = FlightsModel.trained();
        queues = new BatchQueues(new BatchPolicy(1, 0, List.of(), 100, 10_000), meters,
                serving -> this::holdUntilReleased);
    }

    @AfterEach
    void stopQueues() {
        release.countDown();
        queues.shutdown();
    }

    @Test
    void queueDepth_requestsWaitingBehindBusyBatch_gaugeCountsThemThenDropsToZero()
            throws Exception {
        ServingModel model = servingModel(3);
        BatchQueue queue = queues.queueOf(model);
        List<QueuedRequest> submitted = new ArrayList<>();
        submitted.add(queue.submit(vectorOf(0), 1, Priority.NORMAL, NO_DEADLINE));
        awaitEngineCall();
        for (int i = 1; i <= 4; i++) {
            submitted.add(queue.submit(vectorOf(i), 1, Priority.NORMAL, NO_DEADLINE));
        }

        Gauge depth = meters.get(BatchQueues.QUEUE_DEPTH)
                .tags("model", FlightsModel.MODEL, "version", "3").gauge();
        assertEquals(4.0, depth.value());
        String scraped = meters.scrape();
        assertTrue(scraped.lines().anyMatch(line -> line.matches(
                "mlmesh_inference_queue_depth\\{model=\"flights-delay\",version=\"3\",?} 4\\.0")),
                scraped);
        release.countDown();

        for (int i = 0; i < submitted.size(); i++) {
            float[] scores = submitted.get(i).scores().toCompletableFuture()
                    .get(10, TimeUnit.SECONDS);
            assertArrayEquals(flights.scoresOf(vectorOf(i), 1), scores);
        }
        assertEquals(0.0, depth.value());
    }

    @Test
    void queueDepth_versionReloaded_gaugeReadsTheNewQueueAndOthersStayApart()
            throws Exception {
        BatchQueue first = queues.queueOf(servingModel(1));
        submitBusyPlusWaiting(first, 2);
        ServingModel second = servingModel(2);
        BatchQueue other = queues.queueOf(second);
        submitBusyPlusWaiting(other, 3);
        assertEquals(2.0, depthOf(1));

        BatchQueue reloaded = queues.queueOf(servingModel(1));
        submitBusyPlusWaiting(reloaded, 1);

        assertEquals(1, meters.find(BatchQueues.QUEUE_DEPTH)
                .tags("model", FlightsModel.MODEL, "version", "1").gauges().size());
        assertEquals(2, first.queuedRequests(), "the old queue drains after release");
        assertEquals(1.0, depthOf(1));
        assertEquals(3.0, depthOf(2));
        queues.close(second);
        assertEquals(0.0, depthOf(2));
    }

    /** One request the engine is held on, then {@code waiting} requests queued behind it. */
    @Test
    void policyOf_modelOverrideInConfiguration_replacesOnlyTheSettingsItNames() {
        SmallRyeConfig config = new SmallRyeConfigBuilder()
                .withMapping(InferenceConfig.class)
                .withSources(new PropertiesConfigSource(Map.of(
                        "mlmesh.inference.batching.max-batch-size", "32",
                        "mlmesh.inference.batching.model.\"flights-delay\".instances", "3",
                        "mlmesh.inference.batching.model.\"flights-delay\".max-queue-size",
                        "50"), "test", 100))
                .build();
        BatchQueues configured = new BatchQueues(config.getConfigMapping(InferenceConfig.class),
                meters);
        try {
            BatchPolicy own = configured.policyOf("flights-delay");
            BatchPolicy shared = configured.policyOf("other-model");

            assertEquals(new BatchPolicy(32, 500, List.of(), 50, 10_000, 3), own);
            assertEquals(new BatchPolicy(32, 500, List.of(), 1024, 10_000, 1), shared);
            assertEquals(3, configured.queueOf(servingModel(1)).policy().instances());
        } finally {
            configured.shutdown();
        }
    }

    private void submitBusyPlusWaiting(BatchQueue queue, int waiting) throws Exception {
        queue.submit(vectorOf(0), 1, Priority.NORMAL, NO_DEADLINE);
        awaitEngineCall();
        for (int i = 1; i <= waiting; i++) {
            queue.submit(vectorOf(i), 1, Priority.NORMAL, NO_DEADLINE);
        }
    }

    private void awaitEngineCall() throws InterruptedException {
        assertTrue(engineCalls.tryAcquire(5, TimeUnit.SECONDS), "the engine was called");
    }

    private double depthOf(long version) {
        return meters.get(BatchQueues.QUEUE_DEPTH)
                .tags("model", FlightsModel.MODEL, "version", Long.toString(version)).gauge()
                .value();
    }

    private ServingModel servingModel(long version) {
        OnlineFeaturePlan online = OnlineFeaturePlan.of(List.of(FlightsModel.ORIGIN_STATS));
        return new ServingModel(FlightsModel.MODEL, version, "", "sha", Instant.EPOCH,
                flights.vectorizer(), online,
                RequestSchema.of(flights.vectorizer().transforms(), online), flights.booster());
    }

    private float[] vectorOf(int heldOutRow) {
        return flights.vectorOf(flights.heldOut().get(heldOutRow));
    }

    /** The booster's scores, once {@link #release} opens; every call counts in engineCalls. */
    private float[] holdUntilReleased(float[] rows, int rowCount) {
        engineCalls.release();
        awaitRelease();
        return flights.scoresOf(rows, rowCount);
    }

    private void awaitRelease() {
        try {
            release.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
