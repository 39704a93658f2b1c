package io.mlmesh.inference.batching;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ScheduledFuture;

/**
 * One request's rows in a {@link BatchQueue}, and the scores they will get.
 *
 * <p>The scores complete exactly once, on the queue's dispatcher thread (scored, or the engine
 * failed) or its timer thread (deadline passed), or on the thread that calls {@link #cancel}.
 * Work attached to {@link #scores} runs on that thread, so it must be short and never block.
 */
public final class QueuedRequest {

    /** Where the request is; changed only under its queue's lock. */
    enum State {
        QUEUED,
        TAKEN,
        LEFT
    }

    final float[] rows;
    final int rowCount;
    final Priority priority;
    final long enqueuedNanos;
    final long timeoutNanos;
    final CompletableFuture<float[]> result = new CompletableFuture<>();
    /** {@link #result} once the queue has recorded it in its statistics. */
    CompletableFuture<float[]> recorded;
    State state = State.QUEUED;
    ScheduledFuture<?> expiry;

    private final BatchQueue queue;

    QueuedRequest(BatchQueue queue, float[] rows, int rowCount, Priority priority,
            long enqueuedNanos, long timeoutNanos) {
        this.queue = queue;
        this.rows = rows;
        this.rowCount = rowCount;
        this.priority = priority;
        this.enqueuedNanos = enqueuedNanos;
        this.timeoutNanos = timeoutNanos;
    }

    /**
     * One score per row, or a failure: an {@link io.mlmesh.inference.InferenceException}
     * (DEADLINE_EXCEEDED, CANCELLED, UNAVAILABLE, or ENGINE_FAILED), or any other exception the
     * engine threw.
     */
    public CompletionStage<float[]> scores() {
        return recorded.minimalCompletionStage();
    }

    /**
     * The caller gave up: a request still queued leaves the queue at once and is never
     * computed; one already taken into a batch is skipped if its batch has not started.
     * Safe from any thread, any number of times.
     */
    public void cancel() {
        queue.cancel(this);
    }
}
