package io.mlmesh.inference;

import io.mlmesh.inference.v1.PredictRequest;
import io.mlmesh.inference.v1.PredictResponse;
import io.mlmesh.inference.v1.PredictorGrpc.PredictorBlockingStub;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;

/**
 * Steady Predict traffic from several threads, each call with a deadline, until closed. Keeps
 * every answer (with when its call started) and every failure, so that a test can say that no
 * call failed while something changed underneath.
 */
public final class SteadyLoad implements AutoCloseable {

    /** One answered call: the request's index, when it was sent, and the response. */
    public record Answer(int index, long sentNanos, long receivedNanos, PredictResponse response) {
    }

    private static final Duration CALL_DEADLINE = Duration.ofSeconds(10);

    private final ExecutorService threads;
    private final ConcurrentLinkedQueue<Answer> answers = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
    private volatile boolean running = true;

    private SteadyLoad(int threadCount) {
        this.threads = Executors.newFixedThreadPool(threadCount);
    }

    /**
     * Starts {@code threadCount} threads calling Predict in a loop.
     *
     * @param requests the request of each index; thread {@code t} sends indexes t, t + n, ...
     * @param requestCount how many distinct requests there are (they repeat)
     */
    public static SteadyLoad start(PredictorBlockingStub predictor, int threadCount,
            IntFunction<PredictRequest> requests, int requestCount) {
        SteadyLoad load = new SteadyLoad(threadCount);
        for (int t = 0; t < threadCount; t++) {
            int first = t;
            load.threads.execute(() -> load.call(predictor, requests, requestCount, first,
                    threadCount));
        }
        return load;
    }

    /** Waits until {@code count} more calls have been answered than now. */
    public void awaitMoreAnswers(int count, Duration timeout) throws InterruptedException {
        int target = answers.size() + count;
        long deadlineNanos = System.nanoTime() + timeout.toNanos();
        while (answers.size() < target && failures.isEmpty()) {
            if (System.nanoTime() > deadlineNanos) {
                throw new AssertionError("only " + answers.size() + " answers after " + timeout);
            }
            Thread.sleep(20);
        }
    }

    /**
     * When a call answered by {@code version} came back; waits up to the timeout. Every call
     * sent after that moment is routed after the version began to serve.
     */
    public long awaitVersion(long version, Duration timeout) throws InterruptedException {
        long deadlineNanos = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadlineNanos) {
            for (Answer answer : answers) {
                if (answer.response().getVersion() == version) {
                    return answer.receivedNanos();
                }
            }
            Thread.sleep(20);
        }
        throw new AssertionError("no answer from version " + version + " within " + timeout);
    }

    public List<Answer> answers() {
        return new ArrayList<>(answers);
    }

    public List<Throwable> failures() {
        return new ArrayList<>(failures);
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        threads.shutdown();
        if (!threads.awaitTermination(30, TimeUnit.SECONDS)) {
            threads.shutdownNow();
            throw new AssertionError("load threads did not stop within 30 s");
        }
    }

    private void call(PredictorBlockingStub predictor, IntFunction<PredictRequest> requests,
            int requestCount, int first, int stride) {
        for (int i = first; running; i += stride) {
            int index = i % requestCount;
            long sentNanos = System.nanoTime();
            try {
                PredictResponse response = predictor
                        .withDeadlineAfter(CALL_DEADLINE.toMillis(), TimeUnit.MILLISECONDS)
                        .predict(requests.apply(index));
                answers.add(new Answer(index, sentNanos, System.nanoTime(), response));
            } catch (RuntimeException e) {
                failures.add(e);
            }
        }
    }
}
