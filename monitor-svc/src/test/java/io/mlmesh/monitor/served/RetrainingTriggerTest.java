package io.mlmesh.monitor.served;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.Timestamp;
import io.grpc.Status;
import io.mlmesh.core.drift.DriftReport;
import io.mlmesh.core.drift.DriftSettings;
import io.mlmesh.core.drift.DriftDetector;
import io.mlmesh.core.drift.NumericProfile;
import io.mlmesh.core.drift.NumericValues;
import io.mlmesh.core.drift.ReferenceProfile;
import io.mlmesh.featurestore.v1.GetTrainingSetRequest;
import io.mlmesh.monitor.feedback.GroupQuality;
import io.mlmesh.monitor.slo.MovableClock;
import io.mlmesh.training.v1.JobSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;

/**
 * The retraining rule on hand-made windows: consecutive windows, the cool-down, the quality
 * floor and margin, a failed submission, and the spec of the new job.
 */
class RetrainingTriggerTest {

    private static final Instant START = Instant.parse("2026-12-04T10:00:00Z");
    private static final VersionReference REFERENCE = new VersionReference(Optional.empty(), "",
            0.80, "run-7", true);

    private final MovableClock clock = new MovableClock(START);
    private final List<String> submitted = new ArrayList<>();
    private List<GroupQuality> quality = List.of();

    @Test
    void windowClosed_driftInConsecutiveWindows_submitsOnceThenHoldsForTheCooldown() {
        RetrainingTrigger trigger = trigger(config(true, 2, OptionalDouble.empty(),
                OptionalDouble.empty()));

        trigger.windowClosed(window(true), REFERENCE);
        trigger.windowClosed(window(false), REFERENCE);
        trigger.windowClosed(window(true), REFERENCE);
        assertTrue(submitted.isEmpty(), "a window without drift breaks the streak");
        trigger.windowClosed(window(true), REFERENCE);
        trigger.windowClosed(window(true), REFERENCE);
        trigger.windowClosed(window(true), REFERENCE);

        assertEquals(List.of("run-7"), submitted);
        List<RetrainingDecision> decisions = trigger.decisions("m");
        assertEquals(1, decisions.size());
        RetrainingDecision decision = decisions.get(0);
        assertEquals("job-1", decision.jobId());
        assertEquals("data-set drift in 2 consecutive windows (drifted share 1.0000 in the"
                + " last)", decision.reason());
        assertEquals(1.0, decision.figures().get("drifted_share"));
        assertEquals(0.80, decision.figures().get("offline_auc"));
        assertEquals(START, decision.decidedAt());

        clock.advance(Duration.ofHours(2));
        trigger.windowClosed(window(true), REFERENCE);
        trigger.windowClosed(window(true), REFERENCE);
        assertEquals(2, submitted.size(), "after the cool-down it may submit again");
    }

    @Test
    void windowClosed_liveAucBelowOfflineMinusMargin_submitsWithTheFigures() {
        RetrainingTrigger trigger = trigger(config(true, 1, OptionalDouble.empty(),
                OptionalDouble.of(0.05)));
        quality = List.of(group("small", 10, 0.50), group("default", 500, 0.74));

        trigger.windowClosed(window(false), REFERENCE);

        RetrainingDecision decision = trigger.decisions("").get(0);
        assertEquals("live AUC 0.7400 of variant default below the offline AUC 0.8000 minus"
                + " 0.0500 in 1 consecutive windows", decision.reason());
        assertEquals(0.74, decision.figures().get("live_auc_default"));
    }

    @Test
    void windowClosed_liveAucAboveFloorOrTooFewOutcomes_submitsNothing() {
        RetrainingTrigger trigger = trigger(config(true, 1, OptionalDouble.of(0.6),
                OptionalDouble.empty()));
        quality = List.of(group("small", 10, 0.50), group("default", 500, 0.74));

        trigger.windowClosed(window(false), REFERENCE);

        assertTrue(submitted.isEmpty());
        quality = List.of(group("default", 500, 0.55));
        trigger.windowClosed(window(false), REFERENCE);
        assertEquals("live AUC 0.5500 of variant default below the floor 0.6000 in 1"
                + " consecutive windows", trigger.decisions("m").get(0).reason());
    }

    @Test
    void windowClosed_disabled_neverSubmits() {
        RetrainingTrigger trigger = trigger(config(false, 1, OptionalDouble.empty(),
                OptionalDouble.empty()));

        trigger.windowClosed(window(true), REFERENCE);

        assertTrue(submitted.isEmpty());
        assertTrue(trigger.decisions("").isEmpty());
    }

    @Test
    void windowClosed_trainingRefuses_recordsTheErrorAndCoolsDown() {
        RetrainingTrigger trigger = new RetrainingTrigger(config(true, 1, OptionalDouble.empty(),
                OptionalDouble.empty()), (model, version) -> List.of(),
                (runId, newest, reason) -> {
                    throw Status.NOT_FOUND.withDescription("job 'run-7' not found")
                            .asRuntimeException();
                }, clock);

        trigger.windowClosed(window(true), REFERENCE);
        trigger.windowClosed(window(true), REFERENCE);

        List<RetrainingDecision> decisions = trigger.decisions("m");
        assertEquals(1, decisions.size());
        assertEquals("", decisions.get(0).jobId());
        assertEquals("training-svc NOT_FOUND: job 'run-7' not found", decisions.get(0).error());
    }

    @Test
    void nextSpec_slidesBothRangesSoThatTheTestEndsAtTheNewestLabelledTime() {
        JobSpec original = JobSpec.newBuilder()
                .setModelName("flights")
                .setTrain(GetTrainingSetRequest.newBuilder().setSource("flights")
                        .setStart(timestamp("2001-01-01T00:00:00Z"))
                        .setEnd(timestamp("2001-06-01T00:00:00Z")))
                .setTest(GetTrainingSetRequest.newBuilder().setSource("flights")
                        .setStart(timestamp("2001-06-01T00:00:00Z"))
                        .setEnd(timestamp("2001-07-01T00:00:00Z")))
                .build();

        JobSpec next = RetrainingJobs.nextSpec(original, Instant.parse("2001-08-01T00:00:00Z"),
                "drift");

        assertEquals(timestamp("2001-02-01T00:00:00Z"), next.getTrain().getStart(),
                "31 days later, as July has 31");
        assertEquals(timestamp("2001-07-02T00:00:00Z"), next.getTrain().getEnd());
        assertEquals(timestamp("2001-07-02T00:00:00Z"), next.getTest().getStart());
        assertEquals(timestamp("2001-08-01T00:00:00Z"), next.getTest().getEnd());
        assertTrue(next.getRegister());
        assertEquals("retraining by monitor-svc: drift", next.getDescription());
        assertEquals(original.getTrain(), RetrainingJobs.nextSpec(original,
                Instant.parse("2001-06-15T00:00:00Z"), "drift").getTrain(),
                "newest labelled data before the old test end: ranges stay");
    }

    private RetrainingTrigger trigger(RetrainingConfig config) {
        return new RetrainingTrigger(config, (model, version) -> quality,
                (runId, newest, reason) -> {
                    submitted.add(runId);
                    return "job-" + submitted.size();
                }, clock);
    }

    /** A window whose one column drifted or not. */
    private static WindowDrift window(boolean drifted) {
        DriftSettings settings = DriftSettings.defaults();
        double[] reference = new double[100];
        double[] served = new double[100];
        for (int i = 0; i < 100; i++) {
            reference[i] = i;
            served[i] = drifted ? i + 50 : i;
        }
        ReferenceProfile profile = new ReferenceProfile(100, List.of(NumericProfile.of("x",
                NumericValues.of(reference), settings)));
        DriftReport report = new DriftDetector(settings).compare(profile,
                Map.of("x", NumericValues.of(served)));
        return new WindowDrift("m", 1, false, START, START.plusSeconds(60), START, 100,
                Optional.of(report), Optional.empty(), 100, "");
    }

    private static GroupQuality group(String variant, long joined, double auc) {
        return new GroupQuality(1, variant, joined, joined / 5, auc, true, 0.5, 0.8, 0.001);
    }

    private static Timestamp timestamp(String instant) {
        return Timestamp.newBuilder().setSeconds(Instant.parse(instant).getEpochSecond()).build();
    }

    private static RetrainingConfig config(boolean enabled, int windows,
            OptionalDouble minLiveAuc, OptionalDouble maxAucDrop) {
        return new RetrainingConfig() {
            @Override
            public boolean enabled() {
                return enabled;
            }

            @Override
            public int consecutiveWindows() {
                return windows;
            }

            @Override
            public boolean onDatasetDrift() {
                return true;
            }

            @Override
            public OptionalDouble minLiveAuc() {
                return minLiveAuc;
            }

            @Override
            public OptionalDouble maxAucDrop() {
                return maxAucDrop;
            }

            @Override
            public long minJoined() {
                return 200;
            }

            @Override
            public Duration cooldown() {
                return Duration.ofHours(1);
            }

            @Override
            public Duration labelDelay() {
                return Duration.ofDays(1);
            }

            @Override
            public int historySize() {
                return 10;
            }

            @Override
            public Duration callTimeout() {
                return Duration.ofSeconds(5);
            }
        };
    }
}
