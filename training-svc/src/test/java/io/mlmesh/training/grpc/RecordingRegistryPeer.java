package io.mlmesh.training.grpc;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.mlmesh.registry.v1.ModelVersion;
import io.mlmesh.registry.v1.RegisterVersionChunk;
import io.mlmesh.registry.v1.RegisterVersionHeader;
import io.mlmesh.registry.v1.RegistryGrpc;
import io.mlmesh.training.registry.VersionRequests;
import java.io.ByteArrayOutputStream;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Stands in for the registry: accepts an upload only when its bytes match the header's size
 * and SHA-256, records it and answers the next version number. A model named
 * {@link #REFUSED_MODEL} is refused with FAILED_PRECONDITION. Served through
 * {@link #requiringToken}, it refuses calls without the given bearer token with
 * UNAUTHENTICATED, as the real registry does once writer tokens are configured.
 */
final class RecordingRegistryPeer extends RegistryGrpc.RegistryImplBase {

    static final String REFUSED_MODEL = "refused-model";

    private static final Metadata.Key<String> AUTHORIZATION =
            Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);
    private static final Context.Key<String> CALL_AUTHORIZATION = Context.key("authorization");

    /**
     * One accepted upload.
     *
     * @param authorization the call's authorization header as received
     */
    record Upload(RegisterVersionHeader header, byte[] artifact, int dataChunks,
            ModelVersion version, String authorization) {
    }

    private final List<Upload> uploads = new CopyOnWriteArrayList<>();
    private final Map<String, AtomicLong> versionsByModel = new ConcurrentHashMap<>();

    List<Upload> uploads() {
        return uploads;
    }

    /** This service behind a check that refuses calls without {@code Bearer token}. */
    ServerServiceDefinition requiringToken(String token) {
        return ServerInterceptors.intercept(this, new ServerInterceptor() {
            @Override
            public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call,
                    Metadata headers, ServerCallHandler<Q, R> next) {
                String authorization = headers.get(AUTHORIZATION);
                if (!("Bearer " + token).equals(authorization)) {
                    call.close(Status.UNAUTHENTICATED.withDescription(
                            "authorization: a writer token is needed"), new Metadata());
                    return new ServerCall.Listener<>() {
                    };
                }
                Context context = Context.current().withValue(CALL_AUTHORIZATION, authorization);
                return Contexts.interceptCall(context, call, headers, next);
            }
        });
    }

    @Override
    public StreamObserver<RegisterVersionChunk> registerVersion(
            StreamObserver<ModelVersion> response) {
        String authorization = String.valueOf(CALL_AUTHORIZATION.get());
        return new StreamObserver<>() {
            private RegisterVersionHeader header;
            private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            private int dataChunks;

            @Override
            public void onNext(RegisterVersionChunk chunk) {
                if (chunk.hasHeader()) {
                    header = chunk.getHeader();
                } else {
                    bytes.writeBytes(chunk.getData().toByteArray());
                    dataChunks++;
                }
            }

            @Override
            public void onError(Throwable error) {
                bytes.reset();
            }

            @Override
            public void onCompleted() {
                answer(new Upload(header, bytes.toByteArray(), dataChunks, null,
                        authorization), response);
            }
        };
    }

    private void answer(Upload received, StreamObserver<ModelVersion> response) {
        RegisterVersionHeader header = received.header();
        byte[] artifact = received.artifact();
        Status refusal = refusalOf(header, artifact);
        if (refusal != null) {
            response.onError(refusal.asRuntimeException());
            return;
        }
        ModelVersion version = ModelVersion.newBuilder()
                .setModel(header.getModel())
                .setVersion(versionsByModel.computeIfAbsent(header.getModel(),
                        model -> new AtomicLong()).incrementAndGet())
                .setArtifact(header.getArtifact())
                .setLineage(header.getLineage())
                .build();
        uploads.add(new Upload(header, artifact, received.dataChunks(), version,
                received.authorization()));
        response.onNext(version);
        response.onCompleted();
    }

    private static Status refusalOf(RegisterVersionHeader header, byte[] artifact) {
        if (header == null) {
            return Status.INVALID_ARGUMENT.withDescription("upload has no header");
        }
        if (REFUSED_MODEL.equals(header.getModel())) {
            return Status.FAILED_PRECONDITION.withDescription(
                    "model " + REFUSED_MODEL + " takes no versions");
        }
        if (artifact.length != header.getArtifact().getSizeBytes()
                || !VersionRequests.sha256Hex(artifact).equals(header.getArtifact().getSha256())) {
            return Status.DATA_LOSS.withDescription("artifact does not match its header");
        }
        return null;
    }
}
