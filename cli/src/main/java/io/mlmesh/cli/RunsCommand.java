package io.mlmesh.cli;

import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.mlmesh.cli.mesh.Channels;
import io.mlmesh.cli.mesh.MeshState;
import io.mlmesh.cli.mesh.ServiceKind;
import io.mlmesh.training.v1.DiffRunsRequest;
import io.mlmesh.training.v1.MetricDiff;
import io.mlmesh.training.v1.RunDiff;
import io.mlmesh.training.v1.TrainingGrpc;
import io.mlmesh.training.v1.ValueDiff;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code mlmesh runs diff A B}: what differs between two training runs. */
@Command(name = "runs", mixinStandardHelpOptions = true,
        description = "Training runs (jobs) of the running mesh.",
        subcommands = RunsCommand.Diff.class)
final class RunsCommand {

    /** The lines {@code runs diff} prints: params, metrics, tags, then configuration. */
    static List<String> lines(RunDiff diff) {
        List<String> lines = new ArrayList<>();
        lines.add("a = " + diff.getRunA());
        lines.add("b = " + diff.getRunB());
        addValues(lines, "params", diff.getParamsList());
        lines.add("metrics");
        for (MetricDiff metric : diff.getMetricsList()) {
            lines.add(String.format(Locale.ROOT, "  %-28s a %-10.6f b %-10.6f b-a %+.6f",
                    metric.getName(), metric.getA(), metric.getB(), metric.getDelta()));
        }
        addValues(lines, "tags", diff.getTagsList());
        addValues(lines, "config", diff.getConfigList());
        return lines;
    }

    private static void addValues(List<String> lines, String title, List<ValueDiff> values) {
        lines.add(title);
        for (ValueDiff value : values) {
            lines.add(String.format(Locale.ROOT, "  %-28s a %s | b %s", value.getName(),
                    value.getA().isEmpty() ? "(unset)" : value.getA(),
                    value.getB().isEmpty() ? "(unset)" : value.getB()));
        }
    }

    @Command(name = "diff", mixinStandardHelpOptions = true,
            description = "Lists the params, final metrics, tags and configuration fields that"
                    + " differ between two runs.")
    static final class Diff implements Callable<Integer> {

        @Mixin
        RunDirOption runDir;

        @Parameters(index = "0", description = "The first run id (run-...).")
        String runA;

        @Parameters(index = "1", description = "The second run id.")
        String runB;

        @Override
        public Integer call() {
            MeshState state = runDir.runningMesh();
            if (state == null) {
                return 1;
            }
            ManagedChannel channel = Channels.open(state.port(ServiceKind.TRAINING));
            try {
                RunDiff diff = TrainingGrpc.newBlockingStub(channel).diffRuns(
                        DiffRunsRequest.newBuilder().setRunA(runA).setRunB(runB).build());
                lines(diff).forEach(System.out::println);
                return 0;
            } catch (StatusRuntimeException e) {
                System.out.println(e.getStatus().getCode() + ": "
                        + e.getStatus().getDescription());
                return 1;
            } finally {
                Channels.close(channel);
            }
        }
    }
}
