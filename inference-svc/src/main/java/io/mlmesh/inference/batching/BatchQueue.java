package io.mlmesh.inference.batching;

import io.mlmesh.inference.InferenceException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.jboss.logging.Logger;

/**
 * Dynamic batching for one model version: requests queue here, and dispatcher threads (one
 * per instance of the version) form batches from them and score each batch as one matrix.
 *
 * <h2>Why dedicated dispatcher threads per queue</h2>
 * Batching works because requests arrive while the engine is busy: the thread that scores a
 * batch is the one that forms the next, so everything that queued during a call leaves in one
 * batch, with no hand-off between a batching thread and a worker pool and no lock held while
 * scoring. Threads of their own per model version keep versions independent (a slow model
 * never delays another) and give each at most {@link BatchPolicy#instances} engine calls at a
 * time. Dispatchers compete for the queue under its lock: whichever is free takes the next
 * ready batch, so a second instance scores while the first is busy. Request threads only
 * queue and return: the gRPC worker that decoded a request is free again at once, whatever
 * the queue's length.
 *
 * <h2>How a batch forms</h2>
 * The dispatcher waits until the queue holds {@code maxBatchSize} rows, or the rows of its
 * first requests add up exactly to a preferred batch size, or the oldest request has waited
 * {@code maxQueueDelayMicros}; then it takes whole requests, HIGH priority before NORMAL and
 * oldest first within each, up to {@code maxBatchSize} rows. A request larger than that runs
 * alone. Requests whose scores completed meanwhile (cancelled, expired) are skipped before the
 * matrix is built, so they are never computed.
 *
 * <h2>How timeouts and cancellation remove entries</h2>
 * Each request gets a timer task at its deadline, the shorter of the caller's gRPC deadline
 * and {@code timeoutMillis}. When it fires, a request still queued is unlinked under the lock
 * and fails DEADLINE_EXCEEDED at that moment, however long the dispatcher stays busy; a request
 * already in a running batch fails at its deadline too, and its late scores are dropped.
 * {@link QueuedRequest#cancel} unlinks the same way. A completed request cancels its timer task,
 * so the timer holds only live deadlines. A full queue refuses at once: back pressure reaches
 * the caller instead of growing memory.
 *
 * <h2>Threads</h2>
 * Any thread may call {@link #submit}, {@link QueuedRequest#cancel} and {@link #close}; they
 * take the lock only to link or unlink an entry. The dispatcher threads alone call the
 * {@link BatchScorer}, which must therefore be safe for as many threads at once as the policy
 * has instances. Scores complete on a dispatcher thread (or the timer's, or a canceller's):
 * callbacks must be short and non-blocking, such as encoding an answer and handing it to gRPC.
 */
public final class BatchQueue {

    private static final Logger LOG = Logger.getLogger(BatchQueue.class);

    private final String label;
    private final BatchScorer scorer;
    private final BatchPolicy policy;
    private final ScheduledExecutorService timer;
    private final BatchStatistics statistics;
    private final long maxQueueDelayNanos;
    private final long maxTimeoutNanos;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final ArrayDeque<QueuedRequest> high = new ArrayDeque<>();
    private final ArrayDeque<QueuedRequest> normal = new ArrayDeque<>();
    private final List<Thread> dispatchers;
    private int queuedRequests;
    private int queuedRows;
    private boolean closed;

    private BatchQueue(String label, BatchScorer scorer, BatchPolicy policy,
            ScheduledExecutorService timer, BatchStatistics statistics) {
        this.label = label;
        this.scorer = scorer;
        this.policy = policy;
        this.timer = timer;
        this.statistics = statistics;
        this.maxQueueDelayNanos = TimeUnit.MICROSECONDS.toNanos(policy.maxQueueDelayMicros());
        this.maxTimeoutNanos = TimeUnit.MILLISECONDS.toNanos(policy.timeoutMillis());
        this.dispatchers = new ArrayList<>();
        for (int instance = 0; instance < policy.instances(); instance++) {
            Thread dispatcher = new Thread(this::dispatch, "mlmesh-batch " + label
                    + (policy.instances() == 1 ? "" : " #" + instance));
            dispatcher.setDaemon(true);
            dispatchers.add(dispatcher);
        }
    }

    /**
     * A queue with its dispatcher threads running.
     *
     * @param label names the model version in messages and the thread, for example
     *     {@code model 'flights-delay' version 3}
     * @param timer runs the deadline tasks; shared by all queues
     */
    public static BatchQueue start(String label, BatchScorer scorer, BatchPolicy policy,
            ScheduledExecutorService timer, BatchStatistics statistics) {
        BatchQueue queue = new BatchQueue(label, scorer, policy, timer, statistics);
        queue.dispatchers.forEach(Thread::start);
        return queue;
    }

    public BatchPolicy policy() {
        return policy;
    }

    public BatchStatistics statistics() {
        return statistics;
    }

    /**
     * Queues rows for scoring.
     *
     * @param rows {@code rowCount * width} values, row after row; not copied, not to be changed
     * @param timeoutNanos the caller's remaining time; capped at the policy's timeout
     * @throws InferenceException RESOURCE_EXHAUSTED when the queue is full, DEADLINE_EXCEEDED
     *     when no time remains, UNAVAILABLE when the queue is closed
     */
    public QueuedRequest submit(float[] rows, int rowCount, Priority priority,
            long timeoutNanos) {
        if (timeoutNanos <= 0) {
            throw InferenceException.deadlineExceeded(
                    "deadline expired before the request reached the queue of " + label);
        }

        long deadlineNanos = Math.min(timeoutNanos, maxTimeoutNanos);
        QueuedRequest request = new QueuedRequest(this, rows, rowCount, priority,
                System.nanoTime(), deadlineNanos);
        request.recorded = request.result.whenComplete(
                (scores, failure) -> finish(request, failure));
        link(request);
        return request;
    }

    /** Stops taking requests; the dispatchers score what is queued, then end. */
    public void close() {
        lock.lock();
        try {
            closed = true;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Waits for the dispatchers to end after {@link #close}; true when they have. */
    public boolean awaitTermination(long timeoutMillis) throws InterruptedException {
        long deadlineNanos = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        for (Thread dispatcher : dispatchers) {
            long leftMillis = TimeUnit.NANOSECONDS.toMillis(deadlineNanos - System.nanoTime());
            dispatcher.join(Math.max(1, leftMillis));
        }
        return dispatchers.stream().noneMatch(Thread::isAlive);
    }

    /** The requests waiting now. */
    public int queuedRequests() {
        lock.lock();
        try {
            return queuedRequests;
        } finally {
            lock.unlock();
        }
    }

    void cancel(QueuedRequest request) {
        unlinkIfQueued(request);
        request.result.completeExceptionally(new InferenceException(
                InferenceException.Reason.CANCELLED, "cancelled by the caller"));
    }

    private void link(QueuedRequest request) {
        lock.lock();
        try {
            if (closed) {
                throw new InferenceException(InferenceException.Reason.UNAVAILABLE,
                        label + " is unloaded");
            }
            if (queuedRequests >= policy.maxQueueSize()) {
                statistics.recordRejected();
                throw InferenceException.resourceExhausted("queue of " + label + " is full: "
                        + queuedRequests + " requests waiting, limit " + BatchPolicy.PREFIX
                        + "max-queue-size=" + policy.maxQueueSize());
            }
            (request.priority == Priority.HIGH ? high : normal).addLast(request);
            queuedRequests++;
            queuedRows += request.rowCount;
            request.expiry = timer.schedule(() -> expire(request), request.timeoutNanos,
                    TimeUnit.NANOSECONDS);
            changed.signal();
        } finally {
            lock.unlock();
        }
    }

    private void expire(QueuedRequest request) {
        boolean wasQueued = unlinkIfQueued(request);
        long waitedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime()
                - request.enqueuedNanos);
        String where = wasQueued ? "in the queue of " + label + "; not computed"
                : "while its batch was computing on " + label;
        request.result.completeExceptionally(InferenceException.deadlineExceeded("deadline of "
                + TimeUnit.NANOSECONDS.toMillis(request.timeoutNanos) + " ms passed after "
                + waitedMillis + " ms " + where));
    }

    /** Unlinks a request that is still queued; true when it was. */
    private boolean unlinkIfQueued(QueuedRequest request) {
        lock.lock();
        try {
            if (request.state != QueuedRequest.State.QUEUED) {
                return false;
            }
            (request.priority == Priority.HIGH ? high : normal).remove(request);
            request.state = QueuedRequest.State.LEFT;
            queuedRequests--;
            queuedRows -= request.rowCount;
            return true;
        } finally {
            lock.unlock();
        }
    }

    private void finish(QueuedRequest request, Throwable failure) {
        request.expiry.cancel(false);
        long elapsedNanos = System.nanoTime() - request.enqueuedNanos;
        if (failure == null) {
            statistics.recordSuccess(request.rowCount, elapsedNanos);
        } else {
            statistics.recordFailure(elapsedNanos);
        }
    }

    private void dispatch() {
        LOG.debugf("batch queue started queue=%s", label);
        try {
            List<QueuedRequest> batch = awaitBatch();
            while (batch != null) {
                execute(batch);
                batch = awaitBatch();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            LOG.warnf("batch dispatcher interrupted queue=%s queued=%d", label,
                    queuedRequests());
        }
    }

    /** The next batch, once one is ready; null when closed and empty. */
    private List<QueuedRequest> awaitBatch() throws InterruptedException {
        lock.lock();
        try {
            while (true) {
                if (queuedRequests == 0) {
                    if (closed) {
                        return null;
                    }
                    changed.await();
                    continue;
                }
                long waitNanos = oldestEnqueuedNanos() + maxQueueDelayNanos - System.nanoTime();
                int rowLimit = readyRowLimit(waitNanos);
                if (rowLimit > 0) {
                    List<QueuedRequest> batch = take(rowLimit);
                    if (queuedRequests > 0) {
                        changed.signal();
                    }
                    return batch;
                }
                changed.awaitNanos(waitNanos);
            }
        } finally {
            lock.unlock();
        }
    }

    /** How many rows to take now, or 0 to keep waiting; called under the lock. */
    private int readyRowLimit(long waitNanos) {
        if (queuedRows >= policy.maxBatchSize() || closed || waitNanos <= 0) {
            return policy.maxBatchSize();
        }
        return largestPreferredPrefix();
    }

    /** The largest preferred size that the first queued requests fill exactly, or 0. */
    private int largestPreferredPrefix() {
        List<Integer> preferred = policy.preferredBatchSizes();
        if (preferred.isEmpty()) {
            return 0;
        }

        int best = 0;
        int rows = 0;
        for (ArrayDeque<QueuedRequest> level : List.of(high, normal)) {
            for (QueuedRequest request : level) {
                rows += request.rowCount;
                if (rows > policy.maxBatchSize()) {
                    return best;
                }
                if (preferred.contains(rows)) {
                    best = rows;
                }
            }
        }
        return best;
    }

    private long oldestEnqueuedNanos() {
        if (high.isEmpty()) {
            return normal.peekFirst().enqueuedNanos;
        }
        if (normal.isEmpty()) {
            return high.peekFirst().enqueuedNanos;
        }
        return Math.min(high.peekFirst().enqueuedNanos, normal.peekFirst().enqueuedNanos);
    }

    /** Takes whole requests, HIGH first, up to {@code rowLimit} rows; called under the lock. */
    private List<QueuedRequest> take(int rowLimit) {
        List<QueuedRequest> batch = new ArrayList<>();
        int rows = 0;
        for (ArrayDeque<QueuedRequest> level : List.of(high, normal)) {
            while (!level.isEmpty()) {
                QueuedRequest next = level.peekFirst();
                if (rows > 0 && rows + next.rowCount > rowLimit) {
                    return batch;
                }
                level.pollFirst();
                next.state = QueuedRequest.State.TAKEN;
                queuedRequests--;
                queuedRows -= next.rowCount;
                rows += next.rowCount;
                batch.add(next);
            }
        }
        return batch;
    }

    /** Scores the live requests of a batch as one matrix and hands each its rows' scores. */
    private void execute(List<QueuedRequest> batch) {
        long startNanos = System.nanoTime();
        List<QueuedRequest> live = new ArrayList<>(batch.size());
        int rows = 0;
        for (QueuedRequest request : batch) {
            if (!request.result.isDone()) {
                live.add(request);
                rows += request.rowCount;
                statistics.recordQueued(startNanos - request.enqueuedNanos);
            }
        }
        if (live.isEmpty()) {
            return;
        }

        float[] scores;
        try {
            scores = scorer.score(matrixOf(live), rows);
        } catch (RuntimeException e) {
            live.forEach(request -> request.result.completeExceptionally(e));
            return;
        }
        statistics.recordExecution(live.size(), rows, System.nanoTime() - startNanos);
        int offset = 0;
        for (QueuedRequest request : live) {
            float[] own = new float[request.rowCount];
            System.arraycopy(scores, offset, own, 0, request.rowCount);
            offset += request.rowCount;
            request.result.complete(own);
        }
    }

    private static float[] matrixOf(List<QueuedRequest> live) {
        if (live.size() == 1) {
            return live.get(0).rows;
        }

        int values = 0;
        for (QueuedRequest request : live) {
            values += request.rows.length;
        }
        float[] matrix = new float[values];
        int offset = 0;
        for (QueuedRequest request : live) {
            System.arraycopy(request.rows, 0, matrix, offset, request.rows.length);
            offset += request.rows.length;
        }
        return matrix;
    }
}
