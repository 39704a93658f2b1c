package io.mlmesh.cli;

import io.mlmesh.cli.mesh.MeshLauncher;
import io.mlmesh.cli.mesh.MeshState;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code mlmesh down}: stops what {@code up} started. */
@Command(name = "down", mixinStandardHelpOptions = true,
        description = "Stops the services and the private Redis that up started.")
final class DownCommand implements Callable<Integer> {

    @Mixin
    RunDirOption runDir;

    @Override
    public Integer call() {
        MeshState state = runDir.runningMesh();
        if (state == null) {
            return 0;
        }
        MeshLauncher.stop(state);
        System.out.println("mesh stopped");
        return 0;
    }
}
