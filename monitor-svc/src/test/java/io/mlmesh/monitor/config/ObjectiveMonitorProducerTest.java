package io.mlmesh.monitor.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.mlmesh.monitor.slo.Objective;
import java.util.List;
import org.junit.jupiter.api.Test;

class ObjectiveMonitorProducerTest {

    private static final String PREDICT =
            "inference-svc:mlmesh.inference.v1.Predictor/Predict:p99-millis=50:error-rate=0.01";
    private static final String GET_MODEL =
            "registry-svc:mlmesh.registry.v1.Registry/GetModel:p99-millis=20:error-rate=0";

    @Test
    void parseAll_validEntries_objectivesInOrder() {
        List<Objective> objectives = ObjectiveMonitorProducer.parseAll(
                List.of(PREDICT, GET_MODEL), 20);

        assertEquals(List.of("inference-svc:mlmesh.inference.v1.Predictor/Predict",
                "registry-svc:mlmesh.registry.v1.Registry/GetModel"),
                objectives.stream().map(Objective::name).toList());
    }

    @Test
    void parseAll_badEntry_refusedNamingKeyAndEntry() {
        String bad = "inference-svc:mlmesh.inference.v1.Predictor/Predict:p99-millis=50";

        IllegalStateException refused = assertThrows(IllegalStateException.class,
                () -> ObjectiveMonitorProducer.parseAll(List.of(GET_MODEL, bad), 20));

        assertEquals("mlmesh.monitor.slo.objectives entry '" + bad + "': error-rate is missing",
                refused.getMessage());
    }

    @Test
    void parseAll_sameOperationTwice_refused() {
        String again = PREDICT + ":window-seconds=300";

        IllegalStateException refused = assertThrows(IllegalStateException.class,
                () -> ObjectiveMonitorProducer.parseAll(List.of(PREDICT, again), 20));

        assertEquals("mlmesh.monitor.slo.objectives entry '" + again + "': a second objective"
                + " for inference-svc:mlmesh.inference.v1.Predictor/Predict",
                refused.getMessage());
    }
}
