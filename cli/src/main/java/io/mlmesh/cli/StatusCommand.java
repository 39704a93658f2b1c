package io.mlmesh.cli;

import io.mlmesh.cli.mesh.MeshLauncher;
import io.mlmesh.cli.mesh.MeshState;
import io.mlmesh.cli.mesh.ServiceKind;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code mlmesh status}: health of each service of the running mesh. */
@Command(name = "status", mixinStandardHelpOptions = true,
        description = "Shows each service's address, process and gRPC health.")
final class StatusCommand implements Callable<Integer> {

    @Mixin
    RunDirOption runDir;

    @Override
    public Integer call() {
        MeshState state = runDir.runningMesh();
        if (state == null) {
            return 1;
        }
        return print(state) ? 0 : 1;
    }

    /** Prints one line per service; true when all are serving. */
    static boolean print(MeshState state) {
        boolean allServing = true;
        for (ServiceKind kind : ServiceKind.values()) {
            MeshState.Endpoint endpoint = state.services().get(kind);
            boolean serving = MeshLauncher.isServing(endpoint.port());
            allServing &= serving;
            System.out.printf("%-18s 127.0.0.1:%-6d pid %-8d %s%n", kind.module(),
                    endpoint.port(), endpoint.pid(), serving ? "SERVING" : "NOT SERVING");
        }
        System.out.printf("%-18s %s%n", "online store",
                state.redisUrl().isEmpty() ? "in-process" : state.redisUrl());
        System.out.printf("%-18s %s%n", "feedback loop", state.feedbackEnabled()
                ? "on, keys " + state.feedbackKeyPrefix() + "* in the same Redis"
                : "off (needs Redis)");
        return allServing;
    }

    static boolean allServing(MeshState state) {
        return state.services().values().stream()
                .allMatch(endpoint -> MeshLauncher.isServing(endpoint.port()));
    }
}
