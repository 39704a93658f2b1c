package io.mlmesh.inference.routing;

import io.mlmesh.inference.InferenceException;
import io.mlmesh.inference.batching.BatchQueue;
import io.mlmesh.inference.batching.BatchQueues;
import io.mlmesh.inference.batching.Priority;
import io.mlmesh.inference.batching.QueuedRequest;
import io.mlmesh.inference.model.ServingModel;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Where one request goes: the model version that answers it and, when it named an endpoint,
 * the variant, which then counts the call's outcome and latency and sends shadow copies.
 * A request that named a model directly gets a route of variant {@value #DEFAULT_VARIANT}
 * whose methods record nothing.
 *
 * <p>Used by the request's thread, then by the thread that completes its scores.
 */
public final class Route {

    /** The variant of a request that named a model, not an endpoint. */
    public static final String DEFAULT_VARIANT = "default";

    private final RoutedEndpoint endpoint;
    private final RoutedEndpoint.VariantState variant;
    private final ServingModel model;
    private final ShadowTraffic shadowTraffic;
    private final long startNanos;

    private Route(RoutedEndpoint endpoint, RoutedEndpoint.VariantState variant,
            ServingModel model, ShadowTraffic shadowTraffic, long startNanos) {
        this.endpoint = endpoint;
        this.variant = variant;
        this.model = model;
        this.shadowTraffic = shadowTraffic;
        this.startNanos = startNanos;
    }

    static Route direct(ServingModel model) {
        return new Route(null, null, model, null, 0);
    }

    static Route through(RoutedEndpoint endpoint, RoutedEndpoint.VariantState variant,
            ServingModel model, ShadowTraffic shadowTraffic, long startNanos) {
        return new Route(endpoint, variant, model, shadowTraffic, startNanos);
    }

    /** The model version that answers. */
    public ServingModel model() {
        return model;
    }

    /** The endpoint the request named; empty when it named a model. */
    public String endpoint() {
        return endpoint == null ? "" : endpoint.definition.name();
    }

    /** The variant that answers; {@value #DEFAULT_VARIANT} when the request named a model. */
    public String variant() {
        return variant == null ? DEFAULT_VARIANT : variant.variant.name();
    }

    /**
     * Queues rows in the batch queue of {@link #model} and, for an endpoint's variant, counts
     * the call's outcome and latency: a refusal at once, the scores when they complete.
     *
     * @see BatchQueue#submit
     */
    public QueuedRequest submit(BatchQueues queues, float[] rows, int rowCount,
            Priority priority, long timeoutNanos) {
        QueuedRequest queued;
        try {
            queued = queues.queueOf(model).submit(rows, rowCount, priority, timeoutNanos);
        } catch (InferenceException e) {
            if (endpoint != null) {
                long nowNanos = System.nanoTime();
                endpoint.record(variant, isServerSide(e), nowNanos - startNanos, nowNanos);
            }
            throw e;
        }
        if (endpoint != null) {
            observe(queued.scores());
        }
        return queued;
    }

    private void observe(CompletionStage<float[]> scores) {
        scores.whenComplete((ignored, failure) -> {
            long nowNanos = System.nanoTime();
            endpoint.record(variant, failure != null && isServerSide(failure),
                    nowNanos - startNanos, nowNanos);
        });
    }

    /**
     * Sends a copy to each of the endpoint's shadows that samples this request; never blocks
     * and never throws.
     *
     * @param primaryScores the scores the client gets, compared with each shadow's
     * @param rowCount the rows {@code rows} builds for a shadow
     */
    public void mirror(CompletionStage<float[]> primaryScores, int rowCount, ShadowRows rows) {
        if (endpoint == null) {
            return;
        }
        for (ShadowStats shadow : endpoint.shadows()) {
            double rate = shadow.shadow.sampleRate();
            if (rate > 0 && (rate >= 1 || ThreadLocalRandom.current().nextDouble() < rate)) {
                shadowTraffic.offer(endpoint.definition.name(), shadow, primaryScores,
                        rowCount, rows);
            }
        }
    }

    private static boolean isServerSide(Throwable failure) {
        Throwable cause = failure instanceof CompletionException && failure.getCause() != null
                ? failure.getCause()
                : failure;
        return !(cause instanceof InferenceException refused)
                || refused.reason() != InferenceException.Reason.INVALID_ARGUMENT
                && refused.reason() != InferenceException.Reason.CANCELLED;
    }
}
