package io.mlmesh.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.mlmesh.training.v1.MetricDiff;
import io.mlmesh.training.v1.RunDiff;
import io.mlmesh.training.v1.ValueDiff;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class RunsCommandTest {

    @Test
    void lines_diff_paramsMetricsTagsConfigWithUnsetSides() {
        RunDiff diff = RunDiff.newBuilder().setRunA("run-a").setRunB("run-b")
                .addParams(ValueDiff.newBuilder().setName("eta").setA("0.1").setB("0.3"))
                .addMetrics(MetricDiff.newBuilder().setName("auc").setA(0.7).setB(0.72)
                        .setDelta(0.02))
                .addConfig(ValueDiff.newBuilder().setName("split.seed").setB("5"))
                .build();

        List<String> lines = RunsCommand.lines(diff);

        assertEquals(List.of("a = run-a", "b = run-b", "params",
                "  eta                          a 0.1 | b 0.3", "metrics",
                "  auc                          a 0.700000   b 0.720000   b-a +0.020000",
                "tags", "config", "  split.seed                   a (unset) | b 5"), lines);
    }

    @Test
    void diff_noMeshRunning_exitsOneSayingSo() throws Exception {
        Path empty = Files.createTempDirectory("runs-diff");

        int exit = new CommandLine(new MlmeshCommand()).execute("runs", "diff", "--run-dir",
                empty.toString(), "run-a", "run-b");

        assertEquals(1, exit);
        Files.delete(empty);
    }
}
