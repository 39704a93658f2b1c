package io.mlmesh.loadgen;

import com.google.protobuf.ByteString;
import io.grpc.Channel;
import io.grpc.stub.StreamObserver;
import io.mlmesh.core.model.ModelBundle;
import io.mlmesh.oip.GRPCInferenceServiceGrpc;
import io.mlmesh.oip.ModelRepositoryParameter;
import io.mlmesh.oip.RepositoryModelLoadRequest;
import io.mlmesh.registry.v1.ArtifactInfo;
import io.mlmesh.registry.v1.ModelVersion;
import io.mlmesh.registry.v1.RegisterVersionChunk;
import io.mlmesh.registry.v1.RegisterVersionHeader;
import io.mlmesh.registry.v1.RegistryGrpc;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Puts a bundle where the benchmark needs it, through the services' own contracts: registers
 * it as a new version in registry-svc, then has inference-svc load that version
 * ({@code RepositoryModelLoad}), as an operator would.
 */
final class ModelSetup {

    private static final int CHUNK_BYTES = 256 * 1024;
    private static final long DEADLINE_SECONDS = 60;

    private ModelSetup() {
    }

    /** Registers the bundle and returns the version number the registry gave it. */
    static long register(Channel registry, String model, ModelBundle bundle)
            throws InterruptedException {
        byte[] artifact = bundle.toBytes();
        RegisterVersionHeader header = RegisterVersionHeader.newBuilder()
                .setModel(model)
                .setArtifact(ArtifactInfo.newBuilder()
                        .setSha256(sha256Hex(artifact))
                        .setSizeBytes(artifact.length)
                        .setFormat(ModelBundle.FORMAT))
                .putTags("family", bundle.manifest().family())
                .setDescription("flights GBDT trained by loadgen prepare for benchmarks")
                .build();

        CompletableFuture<ModelVersion> answer = new CompletableFuture<>();
        StreamObserver<RegisterVersionChunk> upload = RegistryGrpc.newStub(registry)
                .withDeadlineAfter(DEADLINE_SECONDS, TimeUnit.SECONDS)
                .registerVersion(new Answer(answer));
        upload.onNext(RegisterVersionChunk.newBuilder().setHeader(header).build());
        for (int offset = 0; offset < artifact.length; offset += CHUNK_BYTES) {
            int length = Math.min(CHUNK_BYTES, artifact.length - offset);
            upload.onNext(RegisterVersionChunk.newBuilder()
                    .setData(ByteString.copyFrom(artifact, offset, length)).build());
        }
        upload.onCompleted();
        return await(answer).getVersion();
    }

    /** Has inference-svc load the version from the registry and make it the default. */
    static void load(Channel inference, String model, long version) {
        GRPCInferenceServiceGrpc.newBlockingStub(inference)
                .withDeadlineAfter(DEADLINE_SECONDS, TimeUnit.SECONDS)
                .repositoryModelLoad(RepositoryModelLoadRequest.newBuilder()
                        .setModelName(model)
                        .putParameters("version", ModelRepositoryParameter.newBuilder()
                                .setInt64Param(version).build())
                        .build());
    }

    private static ModelVersion await(CompletableFuture<ModelVersion> answer)
            throws InterruptedException {
        try {
            return answer.get(DEADLINE_SECONDS, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw new IllegalStateException("registry refused the version: "
                    + e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("registry did not answer RegisterVersion within "
                    + DEADLINE_SECONDS + " s", e);
        }
    }

    private static String sha256Hex(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    /** Completes the future with the registry's one answer or its error. */
    private record Answer(CompletableFuture<ModelVersion> answer)
            implements StreamObserver<ModelVersion> {

        @Override
        public void onNext(ModelVersion version) {
            answer.complete(version);
        }

        @Override
        public void onError(Throwable failure) {
            answer.completeExceptionally(failure);
        }

        @Override
        public void onCompleted() {
            if (!answer.isDone()) {
                answer.completeExceptionally(
                        new IllegalStateException("registry completed without a version"));
            }
        }
    }
}
