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
    private final int concurrency;
    private final PrintStream out;

    OutcomeFeedback(MonitorGrpc.MonitorBlockingStub monitor, int concurrency, PrintStream out) {
        this.monitor = monitor;
        this.concurrency = concurrency;
        this.out = out;
    }

    /**
     * Records the outcome of every row and waits until the monitor has joined them all.
     *
     * @param rows the replayed rows, indexed as the replay indexed them
     * @param version the served model version
     */
    DemoResult.Live run(List<FlightRow> rows, long version) {
        long startNanos = System.nanoTime();
        int joinedOnArrival = recordOutcomes(rows);
        out.printf("%n[monitor] recorded %,d outcomes (late > 15 min) in %.1f s; %,d joined a"
                + " logged prediction on arrival%n", rows.size(),
                (System.nanoTime() - startNanos) / 1e9, joinedOnArrival);

        LiveQuality quality = awaitJoined(rows.size(), version);
        long joined = DemoResult.Live.joinedCount(quality.getGroupsList());
        out.printf("[monitor] %,d of %,d outcomes joined with the prediction log after %.1f s%n",
                joined, rows.size(), (System.nanoTime() - startNanos) / 1e9);
        for (VariantQuality group : quality.getGroupsList()) {
            out.printf("[monitor]   %s%n", DemoResult.Live.describe(group));
        }
        ServedDriftLines.print(monitor, version, out);
        return new DemoResult.Live(true, rows.size(), quality.getGroupsList());
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
                        .setRequestId(TestMonthReplay.requestIdOf(index))
                        .setLabel(label)
                        .build());
    }

    private LiveQuality awaitJoined(int rowCount, long version) {
        long deadlineNanos = System.nanoTime() + JOIN_TIMEOUT.toNanos();
        LiveQuality quality = liveQuality(version);
        while (DemoResult.Live.joinedCount(quality.getGroupsList()) < rowCount
                && System.nanoTime() < deadlineNanos) {
            sleepMillis(POLL_INTERVAL_MILLIS);
            quality = liveQuality(version);
        }
        return quality;
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
