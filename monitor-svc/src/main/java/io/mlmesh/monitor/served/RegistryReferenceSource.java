package io.mlmesh.monitor.served;

import io.grpc.Channel;
import io.grpc.StatusRuntimeException;
import io.mlmesh.core.model.ModelBundle;
import io.mlmesh.registry.v1.ArtifactChunk;
import io.mlmesh.registry.v1.GetVersionRequest;
import io.mlmesh.registry.v1.ModelVersion;
import io.mlmesh.registry.v1.RegistryGrpc;
import io.mlmesh.registry.v1.VersionSelector;
import io.quarkus.grpc.GrpcClient;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.ByteArrayOutputStream;
import java.util.Iterator;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * Reads a version's reference from the registry (gRPC client {@code registry}): its metrics
 * and lineage with {@code GetVersion}, then its bundle with {@code DownloadArtifact}, whose
 * {@code reference.json} entry training wrote. Blocking, each call bounded by
 * {@code registry-timeout}.
 */
@ApplicationScoped
public class RegistryReferenceSource implements ReferenceSource {

    private static final Logger LOG = Logger.getLogger(RegistryReferenceSource.class);
    private static final String AUC = "auc";

    private final RegistryGrpc.RegistryBlockingStub registry;
    private final long timeoutMillis;

    public RegistryReferenceSource(@GrpcClient("registry") Channel channel,
            ServedDriftConfig config) {
        this.registry = RegistryGrpc.newBlockingStub(channel);
        this.timeoutMillis = config.registryTimeout().toMillis();
    }

    @Override
    public VersionReference load(String model, long version) {
        GetVersionRequest request = GetVersionRequest.newBuilder()
                .setModel(model)
                .setSelector(VersionSelector.newBuilder().setVersion(version))
                .build();
        try {
            ModelVersion registered = stub().getVersion(request);
            ModelBundle bundle = ModelBundle.fromBytes(download(request));
            String note = bundle.reference() == null
                    ? "the bundle of version " + version + " holds no reference (trained before"
                            + " references existed)"
                    : "";
            LOG.infof("reference loaded model=%s version=%d present=%s", model, version,
                    bundle.reference() != null);
            return new VersionReference(Optional.ofNullable(bundle.reference()), note,
                    registered.getMetricsOrDefault(AUC, Double.NaN),
                    registered.getLineage().getRunId(), true);
        } catch (StatusRuntimeException e) {
            LOG.warnf("reference not loaded model=%s version=%d code=%s: %s", model, version,
                    e.getStatus().getCode(), e.getStatus().getDescription());
            return VersionReference.unavailable("registry " + e.getStatus().getCode() + ": "
                    + e.getStatus().getDescription());
        } catch (IllegalArgumentException e) {
            LOG.warnf("reference not readable model=%s version=%d: %s", model, version,
                    e.getMessage());
            return new VersionReference(Optional.empty(), "bundle not readable: "
                    + e.getMessage(), Double.NaN, "", true);
        }
    }

    private byte[] download(GetVersionRequest request) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        Iterator<ArtifactChunk> chunks = stub().downloadArtifact(request);
        while (chunks.hasNext()) {
            bytes.writeBytes(chunks.next().getData().toByteArray());
        }
        return bytes.toByteArray();
    }

    private RegistryGrpc.RegistryBlockingStub stub() {
        return registry.withDeadlineAfter(timeoutMillis, TimeUnit.MILLISECONDS);
    }
}
