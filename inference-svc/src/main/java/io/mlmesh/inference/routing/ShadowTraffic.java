package io.mlmesh.inference.routing;

import io.mlmesh.inference.InferenceException;
import io.mlmesh.inference.batching.BatchQueue;
import io.mlmesh.inference.batching.BatchQueues;
import io.mlmesh.inference.batching.Priority;
import io.mlmesh.inference.batching.QueuedRequest;
import io.mlmesh.inference.model.ModelCatalog;
import io.mlmesh.inference.model.ServingModel;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.jboss.logging.Logger;

/**
 * Sends copies of requests to shadow versions without touching the primary's answer.
 *
 * <p>Isolation, step by step: the request thread only draws the sample and hands a task to a
 * bounded queue ({@code shadowQueueSize}); a full queue drops the copy and counts it, never
 * waits. Shadow threads resolve the shadow version, build its input (which may read the
 * feature store under that store's own timeout) and queue it, at normal priority and with
 * {@code timeoutMillis}, in the shadow version's own batch queue, and only while that queue is
 * less than half full: when the shadow version also serves traffic, its copies can never take
 * the capacity that would refuse a primary request. A shadow that is not loaded, throws or is
 * slow fails or expires on these threads and in its own queue, where the primary never waits;
 * any exception there is counted as a failed copy, whatever its type.
 * The comparison runs when both scores exist, on whichever thread completes the second.
 *
 * <p>Any thread may call {@link #offer}.
 */
final class ShadowTraffic {

    private static final Logger LOG = Logger.getLogger(ShadowTraffic.class);

    private final ModelCatalog catalog;
    private final BatchQueues queues;
    private final long timeoutNanos;
    private final ThreadPoolExecutor executor;

    ShadowTraffic(ModelCatalog catalog, BatchQueues queues, RoutingSettings settings) {
        this.catalog = catalog;
        this.queues = queues;
        this.timeoutNanos = TimeUnit.MILLISECONDS.toNanos(settings.shadowTimeoutMillis());
        AtomicInteger threads = new AtomicInteger();
        this.executor = new ThreadPoolExecutor(settings.shadowThreads(),
                settings.shadowThreads(), 0, TimeUnit.MILLISECONDS,
                new ArrayBlockingQueue<>(settings.shadowQueueSize()), runnable -> {
                    Thread thread = new Thread(runnable,
                            "mlmesh-shadow-" + threads.incrementAndGet());
                    thread.setDaemon(true);
                    return thread;
                });
    }

    /** Queues a copy for {@code shadow}, or drops and counts it when the queue is full. */
    void offer(String endpoint, ShadowStats shadow, CompletionStage<float[]> primary,
            int rowCount, ShadowRows rows) {
        try {
            executor.execute(() -> send(endpoint, shadow, primary, rowCount, rows));
        } catch (RejectedExecutionException e) {
            shadow.dropped.increment();
        }
    }

    void shutdown() {
        executor.shutdownNow();
    }

    private void send(String endpoint, ShadowStats shadow, CompletionStage<float[]> primary,
            int rowCount, ShadowRows rows) {
        QueuedRequest queued;
        try {
            ServingModel model = shadow.shadow.target().resolve(catalog);
            float[] input = rows.rowsFor(model);
            BatchQueue queue = queues.queueOf(model);
            if (queue.queuedRequests() >= queue.policy().maxQueueSize() / 2) {
                shadow.dropped.increment();
                return;
            }
            queued = queue.submit(input, rowCount, Priority.NORMAL, timeoutNanos);
            shadow.sent.increment();
        } catch (RuntimeException e) {
            countFailure(endpoint, shadow, e);
            return;
        }

        CompletionStage<float[]> scores = queued.scores();
        scores.whenComplete((ignored, failure) -> {
            if (failure != null) {
                countFailure(endpoint, shadow, failure);
            }
        });
        primary.thenAcceptBoth(scores, (primaryScores, shadowScores) -> {
            int agreed = shadow.compare(primaryScores, shadowScores);
            LOG.debugf("shadow compared endpoint=%s shadow=%s rows=%d agreed=%d",
                    endpoint, shadow.shadow.name(), primaryScores.length, agreed);
        });
    }

    private static void countFailure(String endpoint, ShadowStats shadow, Throwable failure) {
        if (failure instanceof InferenceException refused
                && refused.reason() == InferenceException.Reason.RESOURCE_EXHAUSTED) {
            shadow.dropped.increment();
            return;
        }
        shadow.failed.increment();
        LOG.debugf("shadow failed endpoint=%s shadow=%s error=%s", endpoint,
                shadow.shadow.name(), failure.getMessage());
    }
}
