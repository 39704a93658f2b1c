package io.mlmesh.inference.grpc;

import com.google.protobuf.Timestamp;
import io.mlmesh.inference.routing.EndpointDefinition;
import io.mlmesh.inference.routing.ModelTarget;
import io.mlmesh.inference.routing.RoutingSnapshots;
import io.mlmesh.inference.v1.CanaryPolicy;
import io.mlmesh.inference.v1.CanaryState;
import io.mlmesh.inference.v1.Endpoint;
import io.mlmesh.inference.v1.EndpointShadow;
import io.mlmesh.inference.v1.EndpointStatus;
import io.mlmesh.inference.v1.EndpointVariant;
import io.mlmesh.inference.v1.ShadowStats;
import io.mlmesh.inference.v1.VariantStats;
import java.util.List;

/**
 * Endpoint messages to routing's values and back. Validation happens in
 * {@link EndpointDefinition}; an unset selector is the model's default version.
 */
final class EndpointProtos {

    private EndpointProtos() {
    }

    static EndpointDefinition fromProto(Endpoint endpoint) {
        List<EndpointDefinition.Variant> variants = endpoint.getVariantsList().stream()
                .map(variant -> new EndpointDefinition.Variant(variant.getName(),
                        targetOf(variant), variant.getWeight()))
                .toList();
        List<EndpointDefinition.Shadow> shadows = endpoint.getShadowsList().stream()
                .map(shadow -> new EndpointDefinition.Shadow(shadow.getName(),
                        targetOf(shadow), shadow.getSampleRate()))
                .toList();
        CanaryPolicy canary = endpoint.getCanary();
        return new EndpointDefinition(endpoint.getName(), variants, shadows,
                endpoint.hasCanary()
                        ? new EndpointDefinition.CanaryPolicy(canary.getVariant(),
                                canary.getMaxErrorRate(), canary.getMaxP99Millis(),
                                canary.getWindowSeconds(), canary.getMinCalls())
                        : null);
    }

    static EndpointStatus toProto(RoutingSnapshots.Endpoint snapshot) {
        EndpointStatus.Builder status = EndpointStatus.newBuilder()
                .setEndpoint(toProto(snapshot.definition()));
        for (RoutingSnapshots.Variant variant : snapshot.variants()) {
            status.addVariants(VariantStats.newBuilder().setVariant(variant.name())
                    .setEffectiveWeight(variant.effectiveWeight()).setCalls(variant.calls())
                    .setErrors(variant.errors()));
        }
        for (RoutingSnapshots.Shadow shadow : snapshot.shadows()) {
            status.addShadows(ShadowStats.newBuilder().setShadow(shadow.name())
                    .setSent(shadow.sent()).setDropped(shadow.dropped())
                    .setFailed(shadow.failed()).setCompared(shadow.compared())
                    .setAgreementRate(shadow.agreementRate())
                    .setMeanAbsScoreDiff(shadow.meanAbsScoreDiff()));
        }
        if (snapshot.canary() != null) {
            status.setCanary(toProto(snapshot.canary()));
        }
        return status.build();
    }

    private static Endpoint toProto(EndpointDefinition definition) {
        Endpoint.Builder endpoint = Endpoint.newBuilder().setName(definition.name());
        for (EndpointDefinition.Variant variant : definition.variants()) {
            EndpointVariant.Builder proto = EndpointVariant.newBuilder()
                    .setName(variant.name()).setModel(variant.target().model())
                    .setWeight(variant.weight());
            if (!variant.target().alias().isEmpty()) {
                proto.setAlias(variant.target().alias());
            } else if (variant.target().version() != 0) {
                proto.setVersion(variant.target().version());
            }
            endpoint.addVariants(proto);
        }
        for (EndpointDefinition.Shadow shadow : definition.shadows()) {
            EndpointShadow.Builder proto = EndpointShadow.newBuilder()
                    .setName(shadow.name()).setModel(shadow.target().model())
                    .setSampleRate(shadow.sampleRate());
            if (!shadow.target().alias().isEmpty()) {
                proto.setAlias(shadow.target().alias());
            } else if (shadow.target().version() != 0) {
                proto.setVersion(shadow.target().version());
            }
            endpoint.addShadows(proto);
        }
        EndpointDefinition.CanaryPolicy canary = definition.canary();
        if (canary != null) {
            endpoint.setCanary(CanaryPolicy.newBuilder().setVariant(canary.variant())
                    .setMaxErrorRate(canary.maxErrorRate()).setMaxP99Millis(canary.maxP99Millis())
                    .setWindowSeconds(canary.windowSeconds()).setMinCalls(canary.minCalls()));
        }
        return endpoint.build();
    }

    private static CanaryState toProto(RoutingSnapshots.Canary canary) {
        CanaryState.Builder state = CanaryState.newBuilder().setVariant(canary.variant())
                .setRolledBack(canary.rolledBack()).setReason(canary.reason())
                .setWindowCalls(canary.windowCalls())
                .setWindowErrorRate(canary.windowErrorRate())
                .setWindowP99Millis(canary.windowP99Millis());
        if (canary.rolledBackAt() != null) {
            state.setRolledBackAt(Timestamp.newBuilder()
                    .setSeconds(canary.rolledBackAt().getEpochSecond())
                    .setNanos(canary.rolledBackAt().getNano()));
        }
        return state.build();
    }

    private static ModelTarget targetOf(EndpointVariant variant) {
        return new ModelTarget(variant.getModel(),
                variant.hasVersion() ? variant.getVersion() : 0,
                variant.hasAlias() ? variant.getAlias() : "");
    }

    private static ModelTarget targetOf(EndpointShadow shadow) {
        return new ModelTarget(shadow.getModel(),
                shadow.hasVersion() ? shadow.getVersion() : 0,
                shadow.hasAlias() ? shadow.getAlias() : "");
    }
}
