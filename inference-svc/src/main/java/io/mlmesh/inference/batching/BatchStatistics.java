package io.mlmesh.inference.batching;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.time.Clock;
import java.util.Collections;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * What one model version's queue has done since it was created: the counters behind the Open
 * Inference Protocol's ModelStatistics, and the Micrometer histograms
 * {@code mlmesh_inference_batch_size} and {@code mlmesh_inference_queue_time} (plus
 * {@code mlmesh_inference_compute_time}), tagged {@code model} and {@code version}.
 *
 * <p>Counts are {@link LongAdder}s: any thread may record, none waits for another, and a
 * {@link #snapshot} read while requests complete may mix counts from a few microseconds apart.
 */
public final class BatchStatistics {

    /**
     * A duration total, in the Triton/KServe form.
     *
     * @param count how many events
     * @param nanos their summed duration
     */
    public record Duration(long count, long nanos) {
    }

    /**
     * The counters at one moment.
     *
     * @param success requests answered with scores, time from queueing to scores
     * @param failure requests that reached the queue and failed (refused, expired, cancelled,
     *     engine error), time from queueing to failure
     * @param queue per request, the time waited before its batch ran
     * @param compute per request, the time of the engine call its batch made
     * @param inferenceCount rows scored successfully
     * @param executionCount engine calls made
     * @param lastInferenceMillis epoch milliseconds of the last engine call, 0 if none
     * @param batches per batch size (rows), engine calls and their summed time
     */
    public record Snapshot(Duration success, Duration failure, Duration queue, Duration compute,
            long inferenceCount, long executionCount, long lastInferenceMillis,
            SortedMap<Integer, Duration> batches) {
    }

    private static final double[] BATCH_SIZE_BUCKETS =
        {1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 4096};
    private static final long MIN_EXPECTED_NANOS = 1_000;
    private static final long MAX_EXPECTED_SECONDS = 30;

    private final Totals success = new Totals();
    private final Totals failure = new Totals();
    private final Totals queue = new Totals();
    private final Totals compute = new Totals();
    private final LongAdder inferences = new LongAdder();
    private final LongAdder executions = new LongAdder();
    private final AtomicLong lastInferenceMillis = new AtomicLong();
    private final ConcurrentMap<Integer, Totals> bySize = new ConcurrentHashMap<>();
    private final DistributionSummary batchSize;
    private final Timer queueTime;
    private final Timer computeTime;
    private final Counter rejected;
    private final Clock clock;

    /**
     * Counters for one model version, with its meters registered in {@code registry}. A
     * version loaded again shares the meters of its earlier load: same model, same version.
     */
    public BatchStatistics(MeterRegistry registry, String model, long version, Clock clock) {
        Tags tags = Tags.of("model", model, "version", Long.toString(version));
        this.clock = clock;
        this.batchSize = DistributionSummary.builder("mlmesh.inference.batch.size")
                .description("Rows per engine call").tags(tags)
                .serviceLevelObjectives(BATCH_SIZE_BUCKETS).register(registry);
        this.queueTime = timer("mlmesh.inference.queue.time",
                "Time a request waited in its batch queue", tags, registry);
        this.rejected = Counter.builder("mlmesh.inference.queue.rejected")
                .description("Requests refused because the batch queue was full").tags(tags)
                .register(registry);
        this.computeTime = timer("mlmesh.inference.compute.time",
                "Time of one batched engine call", tags, registry);
    }

    private static Timer timer(String name, String description, Tags tags,
            MeterRegistry registry) {
        return Timer.builder(name).description(description).tags(tags)
                .publishPercentileHistogram()
                .minimumExpectedValue(java.time.Duration.ofNanos(MIN_EXPECTED_NANOS))
                .maximumExpectedValue(java.time.Duration.ofSeconds(MAX_EXPECTED_SECONDS))
                .register(registry);
    }

    void recordQueued(long waitedNanos) {
        queue.add(waitedNanos);
        queueTime.record(waitedNanos, TimeUnit.NANOSECONDS);
    }

    /** One engine call of {@code requests} requests holding {@code rows} rows. */
    void recordExecution(int requests, int rows, long computeNanos) {
        executions.increment();
        lastInferenceMillis.set(clock.millis());
        compute.add(requests, computeNanos * requests);
        bySize.computeIfAbsent(rows, size -> new Totals()).add(computeNanos);
        batchSize.record(rows);
        computeTime.record(computeNanos, TimeUnit.NANOSECONDS);
    }

    void recordSuccess(int rows, long elapsedNanos) {
        success.add(elapsedNanos);
        inferences.add(rows);
    }

    void recordFailure(long elapsedNanos) {
        failure.add(elapsedNanos);
    }

    /** A request refused at once because the queue was full; counts as a failure. */
    void recordRejected() {
        rejected.increment();
        failure.add(0);
    }

    /** The counters now. */
    public Snapshot snapshot() {
        SortedMap<Integer, Duration> batches = new TreeMap<>();
        bySize.forEach((size, counter) -> batches.put(size, counter.read()));
        return new Snapshot(success.read(), failure.read(), queue.read(), compute.read(),
                inferences.sum(), executions.sum(), lastInferenceMillis.get(),
                Collections.unmodifiableSortedMap(batches));
    }

    private static final class Totals {
        private final LongAdder count = new LongAdder();
        private final LongAdder nanos = new LongAdder();

        void add(long elapsedNanos) {
            add(1, elapsedNanos);
        }

        void add(long events, long elapsedNanos) {
            count.add(events);
            nanos.add(elapsedNanos);
        }

        Duration read() {
            return new Duration(count.sum(), nanos.sum());
        }
    }
}
