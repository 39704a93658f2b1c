package io.mlmesh.loadgen;

import io.grpc.Channel;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.mlmesh.oip.GRPCInferenceServiceGrpc;
import io.mlmesh.oip.ModelInferRequest;
import io.mlmesh.oip.ModelInferResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * A closed loop of {@code ModelInfer} calls, perf_analyzer's concurrency mode: exactly
 * {@code concurrency} calls are in flight, and each answer starts the next call until the
 * duration is over or the request limit is reached; then the loop waits for the last answers.
 *
 * <p>Calls are asynchronous: a chain's next call is sent from the callback of its previous
 * answer, on the transport's thread when the channels use a direct executor. So 256 calls in
 * flight need no 256 client threads, and the client's own CPU cost stays small next to the
 * server's on a shared machine. Latency is from just before the call is started to its
 * answer, in nanoseconds, recorded in an HdrHistogram {@link Recorder} (wait-free for the
 * recording threads).
 */
final class ClosedLoop {

    private static final long HIGHEST_NANOS = TimeUnit.SECONDS.toNanos(60);
    private static final long CALL_DEADLINE_SECONDS = 30;

    /**
     * What one loop measured.
     *
     * @param succeeded answered calls
     * @param failures failed calls per status code
     * @param elapsedNanos from the first call to the last answer
     * @param latencyNanos latencies of the answered calls
     * @param responseBytes serialized size of an answer, 0 when none came
     */
    record Outcome(long succeeded, Map<String, Long> failures, long elapsedNanos,
            Histogram latencyNanos, int responseBytes) {

        long failed() {
            return failures.values().stream().mapToLong(Long::longValue).sum();
        }
    }

    private final List<GRPCInferenceServiceGrpc.GRPCInferenceServiceStub> stubs;
    private final List<ModelInferRequest> requests;
    private final AtomicInteger nextRequest = new AtomicInteger();

    /**
     * @param channels the calls are spread over them, chain by chain
     * @param requests sent in turn, again from the first once all were sent
     */
    ClosedLoop(List<? extends Channel> channels, List<ModelInferRequest> requests) {
        if (channels.isEmpty() || requests.isEmpty()) {
            throw new IllegalArgumentException("a load needs channels and requests");
        }
        this.stubs = channels.stream().map(GRPCInferenceServiceGrpc::newStub).toList();
        this.requests = List.copyOf(requests);
    }

    /**
     * Runs {@code concurrency} chains of calls until {@code duration} is over or
     * {@code requestLimit} calls were sent, then waits for their answers.
     */
    Outcome run(int concurrency, Duration duration, long requestLimit)
            throws InterruptedException {
        if (concurrency < 1) {
            throw new IllegalArgumentException("concurrency must be at least 1, not "
                    + concurrency);
        }
        long startNanos = System.nanoTime();
        Run run = new Run(startNanos + duration.toNanos(), concurrency, requestLimit);
        for (int chain = 0; chain < concurrency; chain++) {
            if (run.callsLeft.getAndDecrement() > 0) {
                call(run, stubs.get(chain % stubs.size()));
            } else {
                run.chainsLeft.countDown();
            }
        }

        long patienceNanos = duration.toNanos() + TimeUnit.SECONDS.toNanos(CALL_DEADLINE_SECONDS);
        if (!run.chainsLeft.await(patienceNanos, TimeUnit.NANOSECONDS)) {
            throw new IllegalStateException(run.chainsLeft.getCount() + " of " + concurrency
                    + " call chains still running " + patienceNanos / 1_000_000 + " ms after"
                    + " the start");
        }
        Map<String, Long> failures = new TreeMap<>();
        run.failures.forEach((code, count) -> failures.put(code, count.sum()));
        return new Outcome(run.succeeded.sum(), failures, run.lastAnswerNanos.get() - startNanos,
                run.latencies.getIntervalHistogram(), run.responseBytes.get());
    }

    private void call(Run run, GRPCInferenceServiceGrpc.GRPCInferenceServiceStub stub) {
        ModelInferRequest request = requests.get(
                Math.floorMod(nextRequest.getAndIncrement(), requests.size()));
        long startNanos = System.nanoTime();
        stub.withDeadlineAfter(CALL_DEADLINE_SECONDS, TimeUnit.SECONDS).modelInfer(request,
                new StreamObserver<>() {
                    @Override
                    public void onNext(ModelInferResponse response) {
                        long nowNanos = System.nanoTime();
                        run.latencies.recordValue(Math.min(HIGHEST_NANOS, nowNanos - startNanos));
                        run.succeeded.increment();
                        run.responseBytes.compareAndSet(0, response.getSerializedSize());
                    }

                    @Override
                    public void onError(Throwable failure) {
                        String code = Status.fromThrowable(failure).getCode().name();
                        run.failures.computeIfAbsent(code, c -> new LongAdder()).increment();
                        next(run, stub);
                    }

                    @Override
                    public void onCompleted() {
                        next(run, stub);
                    }
                });
    }

    private void next(Run run, GRPCInferenceServiceGrpc.GRPCInferenceServiceStub stub) {
        long nowNanos = System.nanoTime();
        run.lastAnswerNanos.accumulateAndGet(nowNanos, Math::max);
        if (nowNanos - run.endNanos < 0 && run.callsLeft.getAndDecrement() > 0) {
            call(run, stub);
        } else {
            run.chainsLeft.countDown();
        }
    }

    /** The shared state of one run's chains. */
    private static final class Run {

        final long endNanos;
        final CountDownLatch chainsLeft;
        final Recorder latencies = new Recorder(HIGHEST_NANOS, 3);
        final LongAdder succeeded = new LongAdder();
        final Map<String, LongAdder> failures = new ConcurrentHashMap<>();
        final AtomicLong lastAnswerNanos = new AtomicLong();
        final AtomicInteger responseBytes = new AtomicInteger();
        final AtomicLong callsLeft;

        Run(long endNanos, int concurrency, long requestLimit) {
            this.endNanos = endNanos;
            this.chainsLeft = new CountDownLatch(concurrency);
            this.callsLeft = new AtomicLong(requestLimit);
        }
    }
}
