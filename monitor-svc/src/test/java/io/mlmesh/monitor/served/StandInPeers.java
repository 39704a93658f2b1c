package io.mlmesh.monitor.served;

import com.google.protobuf.ByteString;
import io.grpc.Grpc;
import io.grpc.InsecureServerCredentials;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.mlmesh.core.drift.ModelReference;
import io.mlmesh.core.model.BundleManifest;
import io.mlmesh.core.model.ModelBundle;
import io.mlmesh.registry.v1.ArtifactChunk;
import io.mlmesh.registry.v1.GetVersionRequest;
import io.mlmesh.registry.v1.Lineage;
import io.mlmesh.registry.v1.ModelVersion;
import io.mlmesh.registry.v1.RegistryGrpc;
import io.mlmesh.training.v1.GetJobRequest;
import io.mlmesh.training.v1.Job;
import io.mlmesh.training.v1.JobSpec;
import io.mlmesh.training.v1.SubmitJobRequest;
import io.mlmesh.training.v1.TrainingGrpc;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * Real gRPC servers standing in for registry-svc and training-svc, so that the monitor's
 * clients, the bundle format and the job spec travel over the wire as in the mesh. Starting
 * the real services would need a feature store with the flights data loaded and a trained
 * model; {@code FlightsDemoIT} runs the real peers together.
 *
 * <p>The registry knows one model version per entry of {@code bundles}, run id {@code run-<model>},
 * offline AUC 0.7. Training knows the job of each run id ({@code jobSpec}) and records every
 * submitted spec.
 */
final class StandInPeers implements AutoCloseable {

    static final double OFFLINE_AUC = 0.7;

    private final Map<String, byte[]> bundles;
    private final JobSpec jobSpec;
    private final List<JobSpec> submitted = new CopyOnWriteArrayList<>();
    private final Server registry;
    private final Server training;

    StandInPeers(int registryPort, int trainingPort, Map<String, ModelReference> references,
            JobSpec jobSpec) throws IOException {
        this.bundles = new ConcurrentHashMap<>();
        BundleManifest manifest = new BundleManifest("xgboost", List.of(), Map.of(), List.of(),
                "delay", 15, Map.of());
        references.forEach((model, reference) -> bundles.put(model, new ModelBundle(manifest,
                new byte[] {1, 2, 3}, reference).toBytes()));
        this.jobSpec = jobSpec;
        this.registry = Grpc.newServerBuilderForPort(registryPort,
                InsecureServerCredentials.create()).addService(new Registry()).build().start();
        this.training = Grpc.newServerBuilderForPort(trainingPort,
                InsecureServerCredentials.create()).addService(new Training()).build().start();
    }

    /** Adds a model whose bundle has no reference, as bundles built before references. */
    void addModelWithoutReference(String model) {
        BundleManifest manifest = new BundleManifest("xgboost", List.of(), Map.of(), List.of(),
                "delay", 15, Map.of());
        bundles.put(model, new ModelBundle(manifest, new byte[] {1}).toBytes());
    }

    List<JobSpec> submitted() {
        return List.copyOf(submitted);
    }

    @Override
    public void close() throws InterruptedException {
        registry.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        training.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }

    private final class Registry extends RegistryGrpc.RegistryImplBase {

        @Override
        public void getVersion(GetVersionRequest request,
                StreamObserver<ModelVersion> responseObserver) {
            if (!bundles.containsKey(request.getModel())) {
                responseObserver.onError(Status.NOT_FOUND.withDescription("model '"
                        + request.getModel() + "' not found").asRuntimeException());
                return;
            }
            responseObserver.onNext(ModelVersion.newBuilder()
                    .setModel(request.getModel())
                    .setVersion(request.getSelector().getVersion())
                    .putMetrics("auc", OFFLINE_AUC)
                    .setLineage(Lineage.newBuilder().setRunId("run-" + request.getModel()))
                    .build());
            responseObserver.onCompleted();
        }

        @Override
        public void downloadArtifact(GetVersionRequest request,
                StreamObserver<ArtifactChunk> responseObserver) {
            responseObserver.onNext(ArtifactChunk.newBuilder()
                    .setData(ByteString.copyFrom(bundles.get(request.getModel())))
                    .build());
            responseObserver.onCompleted();
        }
    }

    private final class Training extends TrainingGrpc.TrainingImplBase {

        @Override
        public void getJob(GetJobRequest request, StreamObserver<Job> responseObserver) {
            responseObserver.onNext(Job.newBuilder().setId(request.getId()).setSpec(jobSpec)
                    .build());
            responseObserver.onCompleted();
        }

        @Override
        public void submitJob(SubmitJobRequest request, StreamObserver<Job> responseObserver) {
            submitted.add(request.getSpec());
            responseObserver.onNext(Job.newBuilder().setId("retrain-" + submitted.size())
                    .setSpec(request.getSpec()).build());
            responseObserver.onCompleted();
        }
    }
}
