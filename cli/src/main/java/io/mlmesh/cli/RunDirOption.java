package io.mlmesh.cli;

import io.mlmesh.cli.mesh.MeshState;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The {@code --run-dir} option of the commands that talk to a running mesh. */
final class RunDirOption {

    @Option(names = "--run-dir", description = "The mesh's run directory. Default: .mlmesh/run"
            + " (use .mlmesh/demo for a demo started with --keep-running).")
    Path runDir;

    /** The mesh started from the run directory, or null after saying that none is running. */
    MeshState runningMesh() {
        Path dir = runDir != null ? runDir.toAbsolutePath() : MlmeshCommand.runDir();
        MeshState state = MeshState.load(dir);
        if (state == null) {
            System.out.println("no mesh is running from " + dir);
        }
        return state;
    }
}
