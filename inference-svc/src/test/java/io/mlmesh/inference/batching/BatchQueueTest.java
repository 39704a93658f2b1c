package io.mlmesh.inference.batching;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.mlmesh.inference.FlightsModel;
import io.mlmesh.inference.InferenceException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The batch queue with its real dispatcher and timer threads, a scorer that can be held busy
 * (the "slow model"), and the flights booster for score identity. Timeouts are short real ones.
 */
class BatchQueueTest {

    private static final long NO_DEADLINE = Long.MAX_VALUE;
    private static final long LONG_DELAY_MICROS = 10_000_000L;

    private final ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1);
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final CountDownLatch release = new CountDownLatch(1);
    private final CountDownLatch busy = new CountDownLatch(1);
    private final List<Float> firstValueOfEachBatchRow = new CopyOnWriteArrayList<>();
    private BatchQueue queue;

    @AfterEach
    void stop() throws InterruptedException {
        release.countDown();
        queue.close();
        assertTrue(queue.awaitTermination(5000));
        timer.shutdownNow();
    }

    @Test
    void submit_rowsQueuedWhileBusy_scoredAsOneMatrixIdenticalToSingleRows() throws Exception {
        FlightsModel flights = FlightsModel.trained();
        int width = flights.vectorizer().width();
        queue = start(policy(64, 0, List.of(), 100), blockingFirstCall(
                (rows, count) -> flights.scoresOf(rows, count)));
        QueuedRequest blocker = submit(new float[width], 1, Priority.NORMAL);
        assertTrue(busy.await(5, TimeUnit.SECONDS));
        List<float[]> vectors = flights.heldOut().stream().map(flights::vectorOf).toList();
        List<QueuedRequest> queued = new ArrayList<>();
        vectors.forEach(vector -> queued.add(submit(vector, 1, Priority.NORMAL)));

        release.countDown();

        for (int i = 0; i < vectors.size(); i++) {
            assertArrayEquals(flights.scoresOf(vectors.get(i), 1), scoresOf(queued.get(i)));
        }
        scoresOf(blocker);
        BatchStatistics.Snapshot statistics = queue.statistics().snapshot();
        assertEquals(1, statistics.batches().get(vectors.size()).count());
        assertEquals(2, statistics.executionCount());
        assertEquals(vectors.size() + 1, statistics.inferenceCount());
        assertEquals(vectors.size() + 1, statistics.success().count());
        DistributionSummary batchSize = meters.get("mlmesh.inference.batch.size")
                .tags("model", "m", "version", "1").summary();
        assertEquals(vectors.size(), batchSize.max());
        assertEquals(vectors.size() + 1, meters.get("mlmesh.inference.queue.time").timer()
                .count());
    }

    @Test
    void submit_queueFull_refusedAtOnceNamingTheLimit() throws Exception {
        queue = start(policy(1, 0, List.of(), 2), blockingFirstCall(BatchQueueTest::echo));
        submit(new float[] {1}, 1, Priority.NORMAL);
        assertTrue(busy.await(5, TimeUnit.SECONDS));
        submit(new float[] {2}, 1, Priority.NORMAL);
        submit(new float[] {3}, 1, Priority.NORMAL);

        InferenceException refused = assertThrows(InferenceException.class,
                () -> submit(new float[] {4}, 1, Priority.NORMAL));

        assertEquals(InferenceException.Reason.RESOURCE_EXHAUSTED, refused.reason());
        assertEquals("queue of model 'm' version 1 is full: 2 requests waiting, limit "
                + "mlmesh.inference.batching.max-queue-size=2", refused.getMessage());
    }

    @Test
    void submit_timeoutWhileWorkerBusyForSeconds_failsAtItsTimeoutAndIsNeverComputed()
            throws Exception {
        queue = start(policy(64, 0, List.of(), 100), blockingFirstCall(BatchQueueTest::echo));
        submit(new float[] {1}, 1, Priority.NORMAL);
        assertTrue(busy.await(5, TimeUnit.SECONDS));
        long startNanos = System.nanoTime();

        QueuedRequest late = queue.submit(new float[] {7}, 1, Priority.NORMAL,
                TimeUnit.MILLISECONDS.toNanos(200));
        InferenceException expired = failureOf(late);
        long elapsedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);

        assertEquals(InferenceException.Reason.DEADLINE_EXCEEDED, expired.reason());
        assertTrue(expired.getMessage().startsWith("deadline of 200 ms passed after "),
                expired.getMessage());
        assertTrue(expired.getMessage().endsWith(
                "ms in the queue of model 'm' version 1; not computed"), expired.getMessage());
        assertTrue(elapsedMillis >= 190 && elapsedMillis < 1500, "failed after "
                + elapsedMillis + " ms while the worker stayed busy");
        assertEquals(0, queue.queuedRequests());
        release.countDown();
        submit(new float[] {8}, 1, Priority.NORMAL).scores().toCompletableFuture()
                .get(5, TimeUnit.SECONDS);
        assertFalse(firstValueOfEachBatchRow.contains(7f));
        assertEquals(1, queue.statistics().snapshot().failure().count());
    }

    @Test
    void submit_timeoutLongerThanPolicy_policyTimeoutApplies() throws Exception {
        queue = start(new BatchPolicy(64, 0, List.of(), 100, 150),
                blockingFirstCall(BatchQueueTest::echo));
        submit(new float[] {1}, 1, Priority.NORMAL);
        assertTrue(busy.await(5, TimeUnit.SECONDS));

        InferenceException expired = failureOf(submit(new float[] {2}, 1, Priority.NORMAL));

        assertTrue(expired.getMessage().startsWith("deadline of 150 ms passed"),
                expired.getMessage());
    }

    @Test
    void submit_noTimeLeft_deadlineExceededBeforeQueueing() {
        queue = start(policy(64, 0, List.of(), 100), BatchQueueTest::echo);

        InferenceException refused = assertThrows(InferenceException.class,
                () -> queue.submit(new float[] {1}, 1, Priority.NORMAL, 0));

        assertEquals(InferenceException.Reason.DEADLINE_EXCEEDED, refused.reason());
        assertEquals(0, queue.queuedRequests());
    }

    @Test
    void cancel_queuedRequest_leavesAtOnceAndIsNeverComputed() throws Exception {
        queue = start(policy(64, 0, List.of(), 100), blockingFirstCall(BatchQueueTest::echo));
        submit(new float[] {1}, 1, Priority.NORMAL);
        assertTrue(busy.await(5, TimeUnit.SECONDS));
        QueuedRequest cancelled = submit(new float[] {9}, 1, Priority.NORMAL);
        QueuedRequest kept = submit(new float[] {5}, 1, Priority.NORMAL);

        cancelled.cancel();

        assertEquals(InferenceException.Reason.CANCELLED, failureOf(cancelled).reason());
        assertEquals(1, queue.queuedRequests());
        release.countDown();
        assertArrayEquals(new float[] {5}, scoresOf(kept));
        assertFalse(firstValueOfEachBatchRow.contains(9f));
    }

    @Test
    void submit_highPriority_drainsBeforeEarlierNormal() throws Exception {
        queue = start(policy(1, 0, List.of(), 100), blockingFirstCall(BatchQueueTest::echo));
        submit(new float[] {1}, 1, Priority.NORMAL);
        assertTrue(busy.await(5, TimeUnit.SECONDS));
        QueuedRequest normalA = submit(new float[] {2}, 1, Priority.NORMAL);
        QueuedRequest normalB = submit(new float[] {3}, 1, Priority.NORMAL);
        QueuedRequest high = submit(new float[] {4}, 1, Priority.HIGH);

        release.countDown();

        scoresOf(normalA);
        scoresOf(normalB);
        scoresOf(high);
        assertEquals(List.of(1f, 4f, 2f, 3f), firstValueOfEachBatchRow);
    }

    @Test
    void submit_preferredSizeFilled_runsWithoutWaitingOutTheDelay() throws Exception {
        queue = start(policy(64, LONG_DELAY_MICROS, List.of(4), 100), BatchQueueTest::echo);
        List<QueuedRequest> queued = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            queued.add(submit(new float[] {i}, 1, Priority.NORMAL));
        }
        Thread.sleep(200);
        assertFalse(queued.get(0).scores().toCompletableFuture().isDone());

        queued.add(submit(new float[] {3}, 1, Priority.NORMAL));

        for (int i = 0; i < 4; i++) {
            assertArrayEquals(new float[] {i}, scoresOf(queued.get(i)));
        }
        assertEquals(1, queue.statistics().snapshot().batches().get(4).count());
    }

    @Test
    void submit_delayElapses_partialBatchRuns() throws Exception {
        queue = start(policy(64, 100_000, List.of(), 100), BatchQueueTest::echo);
        long startNanos = System.nanoTime();

        float[] scores = scoresOf(submit(new float[] {1, 2}, 2, Priority.NORMAL));

        long elapsedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
        assertArrayEquals(new float[] {1, 2}, scores);
        assertTrue(elapsedMillis >= 95, "ran after " + elapsedMillis + " ms");
    }

    @Test
    void submit_requestLargerThanMaxBatch_runsAloneUnsplit() throws Exception {
        queue = start(policy(2, 0, List.of(), 100), BatchQueueTest::echo);

        float[] scores = scoresOf(submit(new float[] {1, 2, 3, 4, 5}, 5, Priority.NORMAL));

        assertArrayEquals(new float[] {1, 2, 3, 4, 5}, scores);
        assertEquals(1, queue.statistics().snapshot().batches().get(5).count());
    }

    @Test
    void submit_engineFails_everyRequestOfTheBatchFailsAndQueueServesOn() throws Exception {
        queue = start(policy(64, 0, List.of(), 100), (rows, count) -> {
            if (rows[0] < 0) {
                throw new IllegalStateException("engine broke");
            }
            return echo(rows, count);
        });

        ExecutionException failed = assertThrows(ExecutionException.class,
                () -> submit(new float[] {-1}, 1, Priority.NORMAL).scores()
                        .toCompletableFuture().get(5, TimeUnit.SECONDS));

        assertInstanceOf(IllegalStateException.class, failed.getCause());
        assertArrayEquals(new float[] {6}, scoresOf(submit(new float[] {6}, 1,
                Priority.NORMAL)));
    }

    @Test
    void close_queuedRequestsScoredThenNewOnesUnavailable() throws Exception {
        queue = start(policy(1, 0, List.of(), 100), blockingFirstCall(BatchQueueTest::echo));
        submit(new float[] {1}, 1, Priority.NORMAL);
        assertTrue(busy.await(5, TimeUnit.SECONDS));
        QueuedRequest queued = submit(new float[] {2}, 1, Priority.NORMAL);

        queue.close();
        release.countDown();

        assertArrayEquals(new float[] {2}, scoresOf(queued));
        InferenceException refused = assertThrows(InferenceException.class,
                () -> submit(new float[] {3}, 1, Priority.NORMAL));
        assertEquals(InferenceException.Reason.UNAVAILABLE, refused.reason());
        assertEquals("model 'm' version 1 is unloaded", refused.getMessage());
    }

    @Test
    void policy_preferredAboveMax_refusedNamingTheKey() {
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                () -> policy(8, 0, List.of(4, 16), 10));

        assertEquals("mlmesh.inference.batching.preferred-batch-sizes must be between 1 and "
                + "max-batch-size 8, got 16", refused.getMessage());
        queue = start(policy(8, 0, List.of(), 10), BatchQueueTest::echo);
    }

    @Test
    void submit_twoInstancesOneBusy_otherInstanceScoresMeanwhile() throws Exception {
        queue = start(new BatchPolicy(64, 0, List.of(), 100, 10_000, 2),
                blockingFirstCall(BatchQueueTest::echo));
        QueuedRequest blocker = submit(new float[] {1}, 1, Priority.NORMAL);
        assertTrue(busy.await(5, TimeUnit.SECONDS));

        QueuedRequest meanwhile = submit(new float[] {2}, 1, Priority.NORMAL);

        assertArrayEquals(new float[] {2}, scoresOf(meanwhile));
        assertFalse(blocker.scores().toCompletableFuture().isDone());
        release.countDown();
        assertArrayEquals(new float[] {1}, scoresOf(blocker));
    }

    @Test
    void submit_oneInstanceBusy_nextRequestWaitsForIt() throws Exception {
        queue = start(policy(64, 0, List.of(), 100), blockingFirstCall(BatchQueueTest::echo));
        QueuedRequest blocker = submit(new float[] {1}, 1, Priority.NORMAL);
        assertTrue(busy.await(5, TimeUnit.SECONDS));

        QueuedRequest next = submit(new float[] {2}, 1, Priority.NORMAL);

        Thread.sleep(200);
        assertFalse(next.scores().toCompletableFuture().isDone());
        release.countDown();
        assertArrayEquals(new float[] {2}, scoresOf(next));
        assertArrayEquals(new float[] {1}, scoresOf(blocker));
    }

    @Test
    void policy_zeroInstances_refusedNamingTheKey() {
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                () -> new BatchPolicy(64, 0, List.of(), 100, 10_000, 0));

        assertEquals("mlmesh.inference.batching.instances must be at least 1, got 0",
                refused.getMessage());
        queue = start(policy(8, 0, List.of(), 10), BatchQueueTest::echo);
    }

    private BatchQueue start(BatchPolicy policy, BatchScorer scorer) {
        BatchScorer recording = (rows, count) -> {
            int width = rows.length / count;
            for (int row = 0; row < count; row++) {
                firstValueOfEachBatchRow.add(rows[row * width]);
            }
            return scorer.score(rows, count);
        };
        return BatchQueue.start("model 'm' version 1", recording, policy, timer,
                new BatchStatistics(meters, "m", 1, Clock.systemUTC()));
    }

    /** A scorer whose first call signals {@link #busy} and blocks until {@link #release}. */
    private BatchScorer blockingFirstCall(BatchScorer scorer) {
        return (rows, count) -> {
            if (busy.getCount() > 0) {
                busy.countDown();
                awaitRelease();
            }
            return scorer.score(rows, count);
        };
    }

    private void awaitRelease() {
        try {
            release.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private QueuedRequest submit(float[] rows, int count, Priority priority) {
        return queue.submit(rows, count, priority, NO_DEADLINE);
    }

    private static BatchPolicy policy(int maxBatch, long delayMicros, List<Integer> preferred,
            int maxQueue) {
        return new BatchPolicy(maxBatch, delayMicros, preferred, maxQueue, 10_000);
    }

    /** A one-input model scoring each row as its value. */
    private static float[] echo(float[] rows, int count) {
        return rows.clone();
    }

    private static float[] scoresOf(QueuedRequest request) throws Exception {
        return request.scores().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    private static InferenceException failureOf(QueuedRequest request) {
        CompletableFuture<float[]> scores = request.scores().toCompletableFuture();
        ExecutionException failed = assertThrows(ExecutionException.class,
                () -> scores.get(5, TimeUnit.SECONDS));
        return assertInstanceOf(InferenceException.class, failed.getCause());
    }
}
