package io.mlmesh.cli.demo;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.mlmesh.monitor.v1.GetLiveQualityRequest;
import io.mlmesh.monitor.v1.LiveQuality;
import io.mlmesh.monitor.v1.MonitorGrpc;
import io.mlmesh.monitor.v1.RecordOutcomeRequest;
import io.mlmesh.monitor.v1.RecordOutcomeResponse;
import io.mlmesh.monitor.v1.VariantQuality;
import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * Closes the feedback loop after the replay: every replayed flight's true outcome (late or not,
 * the label the rows already carry) goes to monitor-svc with {@code RecordOutcome} under the
 * request id its {@code Predict} call sent, and the monitor joins it with the prediction that
 * inference-svc logged to the Redis stream.
 *
 * <p>The monitor reads that stream asynchronously, so a prediction may arrive after its
 * outcome; {@code GetLiveQuality} is polled until every row has joined or the deadline passes.
 * The live figures then come from the logged scores and the fed-back labels alone, and must
 * equal what the client computed from the scores it received.
 */
final class OutcomeFeedback {

    private static final Duration JOIN_TIMEOUT = Duration.ofSeconds(120);
    private static final long POLL_INTERVAL_MILLIS = 500;
    private static final long CALL_TIMEOUT_SECONDS = 10;

    private final MonitorGrpc.MonitorBlockingStub monitor;
    private final String requestIdPrefix;
    private final int concurrency;
    private final PrintStream out;

    /** @param requestIdPrefix the prefix the replay gave its request ids */
    OutcomeFeedback(MonitorGrpc.MonitorBlockingStub monitor, String requestIdPrefix,
            int concurrency, PrintStream out) {
        this.monitor = monitor;
        this.requestIdPrefix = requestIdPrefix;
        this.concurrency = concurrency;
        this.out = out;
    }

    /**
     * Records the outcome of every row and waits until the monitor has joined them all.
     *
     * @param rows the replayed rows, indexed as the replay indexed them
     * @param version the served model version, 0 for every version
     * @param counted the monitor's groups these rows joined into (others may hold earlier rows)
     */
    DemoResult.Live run(List<FlightRow> rows, long version, Predicate<VariantQuality> counted) {
        long startNanos = System.nanoTime();
        int joinedOnArrival = recordOutcomes(rows);
        out.printf("%n[monitor] recorded %,d outcomes (late > 15 min) in %.1f s; %,d joined a"
                + " logged prediction on arrival%n", rows.size(),
                (System.nanoTime() - startNanos) / 1e9, joinedOnArrival);

        List<VariantQuality> groups = awaitJoined(rows.size(), version, counted);
        long joined = DemoResult.Live.joinedCount(groups);
        out.printf("[monitor] %,d of %,d outcomes joined with the prediction log after %.1f s%n",
                joined, rows.size(), (System.nanoTime() - startNanos) / 1e9);
        for (VariantQuality group : groups) {
            out.printf("[monitor]   %s%n", DemoResult.Live.describe(group));
        }
        return new DemoResult.Live(true, rows.size(), groups);
    }

    private int recordOutcomes(List<FlightRow> rows) {
        AtomicInteger joined = new AtomicInteger();
        ExecutorService callers = Executors.newFixedThreadPool(concurrency);
        try {
            ConcurrentCalls.run(callers, concurrency, rows.size(), i -> {
                if (record(i, rows.get(i).late()).getJoined()) {
                    joined.incrementAndGet();
                }
            }, "RecordOutcome");
            return joined.get();
        } finally {
            callers.shutdownNow();
        }
    }

    private RecordOutcomeResponse record(int index, int label) {
        return monitor.withDeadlineAfter(CALL_TIMEOUT_SECONDS, TimeUnit.SECONDS)
                .recordOutcome(RecordOutcomeRequest.newBuilder()
                        .setRequestId(TestMonthReplay.requestIdOf(requestIdPrefix, index))
                        .setLabel(label)
                        .build());
    }

    private List<VariantQuality> awaitJoined(int rowCount, long version,
            Predicate<VariantQuality> counted) {
        long deadlineNanos = System.nanoTime() + JOIN_TIMEOUT.toNanos();
        List<VariantQuality> groups = countedGroups(version, counted);
        while (DemoResult.Live.joinedCount(groups) < rowCount
                && System.nanoTime() < deadlineNanos) {
            sleepMillis(POLL_INTERVAL_MILLIS);
            groups = countedGroups(version, counted);
        }
        return groups;
    }

    private List<VariantQuality> countedGroups(long version, Predicate<VariantQuality> counted) {
        return liveQuality(version).getGroupsList().stream().filter(counted).toList();
    }

    /** The monitor's figures; none yet while it has consumed no prediction of the version. */
    private LiveQuality liveQuality(long version) {
        try {
            return monitor.withDeadlineAfter(CALL_TIMEOUT_SECONDS, TimeUnit.SECONDS)
                    .getLiveQuality(GetLiveQualityRequest.newBuilder()
                            .setModel(FlightsDemo.MODEL)
                            .setVersion(version)
                            .build());
        } catch (StatusRuntimeException e) {
            if (e.getStatus().getCode() != Status.Code.NOT_FOUND) {
                throw e;
            }
            return LiveQuality.getDefaultInstance();
        }
    }


    private static void sleepMillis(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the monitor", e);
        }
    }
}
