package io.mlmesh.monitor.served;

/** Where the monitor finds a served version's reference and registered figures. */
public interface ReferenceSource {

    /** Never throws: a failure is a {@link VersionReference} that is not settled. */
    VersionReference load(String model, long version);
}
