package io.mlmesh.cli;

import io.grpc.ManagedChannel;
import io.mlmesh.cli.mesh.Channels;
import io.mlmesh.cli.mesh.MeshState;
import io.mlmesh.cli.mesh.ServiceKind;
import io.mlmesh.registry.v1.DatasetRef;
import io.mlmesh.registry.v1.FeatureViewRef;
import io.mlmesh.registry.v1.ListModelsRequest;
import io.mlmesh.registry.v1.ListVersionsRequest;
import io.mlmesh.registry.v1.Model;
import io.mlmesh.registry.v1.ModelVersion;
import io.mlmesh.registry.v1.RegistryGrpc;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code mlmesh models}: the registry's models and versions, with metrics and lineage. */
@Command(name = "models", mixinStandardHelpOptions = true,
        description = "Lists registered models and their versions with aliases, metrics and"
                + " lineage (run, data sets, feature views).")
final class ModelsCommand implements Callable<Integer> {

    @Mixin
    RunDirOption runDir;

    @Override
    public Integer call() {
        MeshState state = runDir.runningMesh();
        if (state == null) {
            return 1;
        }
        ManagedChannel channel = Channels.open(state.port(ServiceKind.REGISTRY));
        try {
            RegistryGrpc.RegistryBlockingStub registry = RegistryGrpc.newBlockingStub(channel);
            for (Model model : registry.listModels(ListModelsRequest.getDefaultInstance())
                    .getModelsList()) {
                System.out.printf("%s  aliases %s%n", model.getName(), model.getAliasesMap());
                registry.listVersions(ListVersionsRequest.newBuilder()
                        .setModel(model.getName()).build())
                        .getVersionsList().forEach(ModelsCommand::printVersion);
            }
            return 0;
        } finally {
            Channels.close(channel);
        }
    }

    private static void printVersion(ModelVersion version) {
        System.out.printf("  v%d %s sha256 %s metrics %s%n", version.getVersion(),
                version.getAliasesList(), version.getArtifact().getSha256(),
                version.getMetricsMap());
        System.out.printf("     run %s%n", version.getLineage().getRunId());
        for (DatasetRef dataset : version.getLineage().getDatasetsList()) {
            System.out.printf("     data %-5s %s rows %,d sha256 %s%n", dataset.getRole(),
                    dataset.getName(), dataset.getRowCount(), dataset.getContentSha256());
        }
        for (FeatureViewRef view : version.getLineage().getFeatureViewsList()) {
            System.out.printf("     view %s v%d%n", view.getName(), view.getVersion());
        }
    }
}
