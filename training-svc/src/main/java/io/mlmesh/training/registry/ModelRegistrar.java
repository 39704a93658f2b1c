package io.mlmesh.training.registry;

import com.google.protobuf.ByteString;
import io.grpc.Channel;
import io.grpc.Metadata;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;
import io.mlmesh.registry.v1.ModelVersion;
import io.mlmesh.registry.v1.RegisterVersionChunk;
import io.mlmesh.registry.v1.RegisterVersionHeader;
import io.mlmesh.registry.v1.RegistryGrpc;
import io.mlmesh.training.config.TrainingConfig;
import io.mlmesh.training.job.JobFailedException;
import io.quarkus.grpc.GrpcClient;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Uploads a model artifact to the registry (gRPC client {@code registry}): the header, then the
 * bytes in {@link #CHUNK_BYTES} chunks. The registry checks the bytes against the header's
 * SHA-256 and size before the version becomes visible. Quarkus injects only blocking stubs
 * of plain grpc-java, so the asynchronous stub a client stream needs is built on the client's
 * channel. Blocking: waits for the registry's answer at most the configured peer timeout.
 *
 * <p>The registry wants a writer token for uploads once its access control is on; the
 * configured token travels on the stub itself, so every call this class makes carries it.
 */
@ApplicationScoped
public class ModelRegistrar {

    /** The size of each data chunk of an upload. */
    public static final int CHUNK_BYTES = 1024 * 1024;

    private static final Metadata.Key<String> AUTHORIZATION =
            Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

    private final RegistryGrpc.RegistryStub registry;
    private final TrainingConfig config;

    @Inject
    public ModelRegistrar(@GrpcClient("registry") Channel registryChannel,
            TrainingConfig config) {
        this.registry = withToken(RegistryGrpc.newStub(registryChannel), config.registryToken());
        this.config = config;
    }

    /**
     * Registers a new version of {@code header.model} with {@code artifact} as its bytes.
     *
     * @throws JobFailedException when the registry refuses or does not answer in time
     * @throws InterruptedException when the waiting thread is interrupted
     */
    public ModelVersion register(RegisterVersionHeader header, byte[] artifact)
            throws InterruptedException {
        long timeoutMillis = config.peerTimeout().toMillis();
        CompletableFuture<ModelVersion> answer = new CompletableFuture<>();
        StreamObserver<RegisterVersionChunk> upload = registry
                .withDeadlineAfter(timeoutMillis, TimeUnit.MILLISECONDS)
                .registerVersion(new AnswerObserver(answer));
        upload.onNext(RegisterVersionChunk.newBuilder().setHeader(header).build());
        for (int offset = 0; offset < artifact.length; offset += CHUNK_BYTES) {
            int length = Math.min(CHUNK_BYTES, artifact.length - offset);
            upload.onNext(RegisterVersionChunk.newBuilder()
                    .setData(ByteString.copyFrom(artifact, offset, length))
                    .build());
        }
        upload.onCompleted();
        return await(answer, header.getModel(), timeoutMillis);
    }

    /** The stub with the bearer token attached to every call, when one is configured. */
    private static RegistryGrpc.RegistryStub withToken(RegistryGrpc.RegistryStub stub,
            Optional<String> token) {
        String bearer = token.map(String::trim).orElse("");
        if (bearer.isEmpty()) {
            return stub;
        }
        Metadata headers = new Metadata();
        headers.put(AUTHORIZATION, "Bearer " + bearer);
        return stub.withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers));
    }

    private static ModelVersion await(CompletableFuture<ModelVersion> answer, String model,
            long timeoutMillis) throws InterruptedException {
        try {
            return answer.get(timeoutMillis, TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            String reason = e.getCause() instanceof StatusRuntimeException status
                    ? status.getStatus().getCode() + ": " + status.getStatus().getDescription()
                    : String.valueOf(e.getCause());
            throw new JobFailedException(
                    "registry RegisterVersion for model " + model + " failed: " + reason, e);
        } catch (TimeoutException e) {
            throw new JobFailedException("registry RegisterVersion for model " + model
                    + " got no answer within " + timeoutMillis + " ms", e);
        }
    }

    /** Completes the future with the registry's single answer or its error. */
    private record AnswerObserver(CompletableFuture<ModelVersion> answer)
            implements StreamObserver<ModelVersion> {

        @Override
        public void onNext(ModelVersion version) {
            answer.complete(version);
        }

        @Override
        public void onError(Throwable error) {
            answer.completeExceptionally(error);
        }

        @Override
        public void onCompleted() {
            answer.completeExceptionally(new IllegalStateException("registry sent no version"));
        }
    }
}
