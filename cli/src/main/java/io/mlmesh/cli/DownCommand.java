package io.mlmesh.cli;

import io.mlmesh.cli.mesh.MeshLauncher;
import io.mlmesh.cli.mesh.MeshState;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code mlmesh down}: stops what {@code up} started. */
@Command(name = "down", mixinStandardHelpOptions = true,
        description = "Stops the services and the private Redis that up started.")
final class DownCommand implements Callable<Integer> {

    @Option(names = "--run-dir", description = "The mesh's run directory. Default:"
            + " .mlmesh/run.")
    Path runDir;

    @Override
    public Integer call() {
        Path dir = runDir != null ? runDir.toAbsolutePath() : MlmeshCommand.runDir();
        MeshState state = MeshState.load(dir);
        if (state == null) {
            System.out.println("no mesh is running from " + dir);
            return 0;
        }
        MeshLauncher.stop(state);
        System.out.println("mesh stopped");
        return 0;
    }
}
