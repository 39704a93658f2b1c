package io.mlmesh.core.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class SharedDatasetsTest {

    @Test
    void candidates_propertyAndEnvironmentSet_comeFirstThenFoldersUpwards() {
        List<Path> candidates = SharedDatasets.candidates("/data/a", "/data/b",
                Path.of("/repo/core"));

        assertEquals(List.of(Path.of("/data/a"), Path.of("/data/b"),
                Path.of("/repo/core/shared/datasets"), Path.of("/repo/shared/datasets"),
                Path.of("/shared/datasets"), Path.of("/work/shared/datasets")), candidates);
    }

    @Test
    void candidates_blankNames_areSkipped() {
        List<Path> candidates = SharedDatasets.candidates(" ", null, Path.of("/x"));

        assertEquals(List.of(Path.of("/x/shared/datasets"), Path.of("/shared/datasets"),
                Path.of("/work/shared/datasets")), candidates);
    }

    @Test
    void file_onThisMachine_findsTheFlightsSample() {
        Path sample = SharedDatasets.file("flights/flights-20k.csv");

        assertTrue(Files.isRegularFile(sample), sample.toString());
    }
}
