package io.mlmesh.monitor.slo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.mlmesh.monitor.store.Operation;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class ObjectiveTest {

    private static final String PREDICT = "inference-svc:mlmesh.inference.v1.Predictor/Predict";

    @Test
    void parse_fullEntry_everySettingRead() {
        Objective objective = Objective.parse(
                " " + PREDICT + ":p99-millis=50:error-rate=0.01:window-seconds=120:min-calls=7",
                20);

        assertEquals(new Operation("inference-svc", "mlmesh.inference.v1.Predictor/Predict"),
                objective.operation());
        assertEquals(50.0, objective.p99Millis(), 0.0);
        assertEquals(0.01, objective.errorRate(), 0.0);
        assertEquals(Duration.ofSeconds(120), objective.window());
        assertEquals(7, objective.minCalls());
        assertEquals(PREDICT, objective.name());
    }

    @Test
    void parse_withoutWindowAndMinCalls_defaults() {
        Objective objective = Objective.parse(PREDICT + ":error-rate=0:p99-millis=2.5", 20);

        assertEquals(Duration.ofSeconds(60), objective.window());
        assertEquals(20, objective.minCalls());
        assertEquals(2.5, objective.p99Millis(), 0.0);
    }

    @Test
    void parse_badEntries_refusedNamingTheProblem() {
        assertRefused("p99-millis is missing", PREDICT + ":error-rate=0.01");
        assertRefused("error-rate must lie in [0, 1], got 1.5",
                PREDICT + ":p99-millis=50:error-rate=1.5");
        assertRefused("p99-millis must be a positive number, got -3.0",
                PREDICT + ":p99-millis=-3:error-rate=0.1");
        assertRefused("p99-millis must be a number, got 'fast'",
                PREDICT + ":p99-millis=fast:error-rate=0.1");
        assertRefused("window-seconds must be a whole number, got '1.5'",
                PREDICT + ":p99-millis=5:error-rate=0.1:window-seconds=1.5");
        assertRefused("window-seconds must lie in [1, 86400], got 0",
                PREDICT + ":p99-millis=5:error-rate=0.1:window-seconds=0");
        assertRefused("unknown setting 'p95-millis=3' (known: p99-millis, error-rate,"
                + " window-seconds, min-calls)", PREDICT + ":p95-millis=3:error-rate=0.1");
        assertRefused("p99-millis given twice",
                PREDICT + ":p99-millis=5:p99-millis=6:error-rate=0.1");
        assertRefused("expected <service>:<operation>:p99-millis=<ms>:error-rate=<share>"
                + "[:window-seconds=<s>][:min-calls=<n>]", "inference-svc:p99-millis=5");
    }

    private static void assertRefused(String message, String entry) {
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                () -> Objective.parse(entry, 20));
        assertEquals(message, refused.getMessage());
    }
}
