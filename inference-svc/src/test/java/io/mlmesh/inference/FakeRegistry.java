package io.mlmesh.inference;

import com.google.protobuf.ByteString;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.mlmesh.core.model.ModelBundle;
import io.mlmesh.registry.v1.ArtifactChunk;
import io.mlmesh.registry.v1.ArtifactInfo;
import io.mlmesh.registry.v1.GetVersionRequest;
import io.mlmesh.registry.v1.ModelVersion;
import io.mlmesh.registry.v1.RegistryGrpc;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Map;

/**
 * A registry stand-in serving one model, {@link FlightsModel#MODEL}, with three versions: 1 is
 * the real bundle (alias {@code production}); 2 (alias {@code truncated}) declares the bundle's
 * size and digest but streams only its first half; 3 (alias {@code tampered}) streams the full
 * length with one byte changed. The real registry is exercised by the lead's end-to-end test.
 */
public final class FakeRegistry extends RegistryGrpc.RegistryImplBase {

    static final int CHUNK_BYTES = 16 * 1024;

    private final byte[] bundle;
    private final ArtifactInfo info;
    private final Map<String, Long> aliases =
            Map.of("production", 1L, "truncated", 2L, "tampered", 3L);

    public FakeRegistry(byte[] bundle) {
        this.bundle = bundle.clone();
        this.info = ArtifactInfo.newBuilder()
                .setSha256(sha256(bundle))
                .setSizeBytes(bundle.length)
                .setFormat(ModelBundle.FORMAT)
                .build();
    }

    /** The digest every version declares. */
    public ArtifactInfo info() {
        return info;
    }

    /** What version 2 streams. */
    public byte[] truncated() {
        return Arrays.copyOf(bundle, bundle.length / 2);
    }

    /** What version 3 streams. */
    public byte[] tampered() {
        byte[] bytes = bundle.clone();
        bytes[bytes.length / 3] ^= 0x5A;
        return bytes;
    }

    @Override
    public void getVersion(GetVersionRequest request, StreamObserver<ModelVersion> observer) {
        Long version = versionOf(request, observer);
        if (version == null) {
            return;
        }
        observer.onNext(ModelVersion.newBuilder()
                .setModel(FlightsModel.MODEL)
                .setVersion(version)
                .setArtifact(info)
                .build());
        observer.onCompleted();
    }

    @Override
    public void downloadArtifact(GetVersionRequest request,
            StreamObserver<ArtifactChunk> observer) {
        Long version = versionOf(request, observer);
        if (version == null) {
            return;
        }
        byte[] served = version == 1 ? bundle : version == 2 ? truncated() : tampered();
        for (int offset = 0; offset < served.length; offset += CHUNK_BYTES) {
            ArtifactChunk.Builder chunk = ArtifactChunk.newBuilder().setData(ByteString.copyFrom(
                    served, offset, Math.min(CHUNK_BYTES, served.length - offset)));
            if (offset == 0) {
                chunk.setArtifact(info).setVersion(version);
            }
            observer.onNext(chunk.build());
        }
        observer.onCompleted();
    }

    private Long versionOf(GetVersionRequest request, StreamObserver<?> observer) {
        if (!FlightsModel.MODEL.equals(request.getModel())) {
            observer.onError(Status.NOT_FOUND
                    .withDescription("model '" + request.getModel() + "' does not exist")
                    .asRuntimeException());
            return null;
        }
        Long version = switch (request.getSelector().getChoiceCase()) {
            case VERSION -> request.getSelector().getVersion() <= 3
                    ? request.getSelector().getVersion() : null;
            case ALIAS -> aliases.get(request.getSelector().getAlias());
            default -> 1L;
        };
        if (version == null) {
            observer.onError(Status.NOT_FOUND
                    .withDescription("model '" + request.getModel() + "' has no version "
                            + request.getSelector())
                    .asRuntimeException());
        }
        return version;
    }

    public static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
