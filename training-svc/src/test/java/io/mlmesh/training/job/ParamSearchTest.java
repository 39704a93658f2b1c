package io.mlmesh.training.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mlmesh.training.v1.ParamSearchSpace;
import io.mlmesh.training.v1.SearchKind;
import io.mlmesh.training.v1.TuningSpec;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ParamSearchTest {

    private static final TuningSpec GRID = TuningSpec.newBuilder()
            .setSearch(SearchKind.SEARCH_KIND_GRID)
            .addSpace(ParamSearchSpace.newBuilder().setName("max_depth").addValues("2")
                    .addValues("4"))
            .addSpace(ParamSearchSpace.newBuilder().setName("eta").addValues("0.1")
                    .addValues("0.3").addValues("1"))
            .build();

    @Test
    void trials_grid_everyCombinationLastVaryingFastestUpToBudget() {
        List<Map<String, String>> all = ParamSearch.trials(GRID);
        List<Map<String, String>> firstFour = ParamSearch.trials(GRID.toBuilder()
                .setMaxTrials(4).build());

        assertEquals(6, all.size());
        assertEquals(Map.of("max_depth", "2", "eta", "0.1"), all.get(0));
        assertEquals(Map.of("max_depth", "2", "eta", "0.3"), all.get(1));
        assertEquals(Map.of("max_depth", "4", "eta", "1"), all.get(5));
        assertEquals(List.of("max_depth", "eta"), List.copyOf(all.get(0).keySet()));
        assertEquals(all.subList(0, 4), firstFour);
        assertEquals(6, ParamSearch.spaceSize(GRID));
    }

    @Test
    void trials_random_seededDrawsWithinRangesLogAndInteger() {
        TuningSpec random = TuningSpec.newBuilder()
                .setSearch(SearchKind.SEARCH_KIND_RANDOM).setSeed(9)
                .addSpace(ParamSearchSpace.newBuilder().setName("eta").setMin(0.01).setMax(1)
                        .setLogScale(true))
                .addSpace(ParamSearchSpace.newBuilder().setName("max_depth").setMin(2).setMax(8)
                        .setInteger(true))
                .addSpace(ParamSearchSpace.newBuilder().setName("booster").addValues("gbtree"))
                .build();

        List<Map<String, String>> trials = ParamSearch.trials(random);

        assertEquals(ParamSearch.DEFAULT_RANDOM_TRIALS, trials.size());
        assertEquals(trials, ParamSearch.trials(random));
        assertNotEquals(trials, ParamSearch.trials(random.toBuilder().setSeed(10).build()));
        long below = trials.stream().filter(t -> Double.parseDouble(t.get("eta")) < 0.1).count();
        assertTrue(below >= 2, "log scale: about half below 0.1, got " + below);
        for (Map<String, String> trial : trials) {
            double eta = Double.parseDouble(trial.get("eta"));
            int depth = Integer.parseInt(trial.get("max_depth"));
            assertTrue(eta >= 0.01 && eta <= 1 && depth >= 2 && depth <= 8, trial.toString());
            assertEquals("gbtree", trial.get("booster"));
        }
    }

    @Test
    void check_wrongTuning_namesEachField() {
        Map<String, TuningSpec> specsByMessage = Map.of(
                "spec.tuning.search: is unspecified", GRID.toBuilder().clearSearch().build(),
                "spec.tuning.space: needs at least one param", GRID.toBuilder().clearSpace()
                        .build(),
                "spec.tuning.folds: must be at least 2 (or 0 for 3), got 1",
                GRID.toBuilder().setFolds(1).build(),
                "spec.tuning.space[1].name: 'max_depth' is searched twice",
                GRID.toBuilder().setSpace(1, GRID.getSpace(0)).build(),
                "spec.tuning.space[0].values: a grid search needs values",
                GRID.toBuilder().setSpace(0, GRID.getSpace(0).toBuilder().clearValues())
                        .build(),
                "spec.tuning.space[0].min: a log scale needs min > 0, got 0.0",
                GRID.toBuilder().setSearch(SearchKind.SEARCH_KIND_RANDOM).setSpace(0,
                        ParamSearchSpace.newBuilder().setName("eta").setMax(1)
                                .setLogScale(true)).build(),
                "spec.tuning.max_minutes: must be a finite number at least 0, got -1.0",
                GRID.toBuilder().setMaxMinutes(-1).build());

        specsByMessage.forEach((message, tuning) -> assertEquals(message,
                assertThrows(InvalidJobSpecException.class,
                        () -> TuningSpecs.check(tuning)).getMessage()));
    }
}
