package io.mlmesh.cli.mesh;

/** The five mlmesh services, in the order the launcher starts them. */
public enum ServiceKind {
    MONITOR("monitor-svc", "-Xmx768m"),
    REGISTRY("registry-svc", "-Xmx512m"),
    FEATURE_STORE("feature-store-svc", "-Xmx2g"),
    TRAINING("training-svc", "-Xmx3g"),
    INFERENCE("inference-svc", "-Xmx1g");

    private final String module;
    private final String maxHeap;

    ServiceKind(String module, String maxHeap) {
        this.module = module;
        this.maxHeap = maxHeap;
    }

    /** The Maven module, which is also the service's name in traces and logs. */
    public String module() {
        return module;
    }

    public String maxHeap() {
        return maxHeap;
    }
}
