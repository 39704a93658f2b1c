package io.mlmesh.monitor.store;

import java.util.Objects;

/**
 * What a span measured: the service that recorded it (resource attribute {@code service.name})
 * and the span name, for gRPC servers the full method name.
 *
 * @param service the reporting service, never null
 * @param name the span name, never null
 */
public record Operation(String service, String name) {

    public Operation {
        Objects.requireNonNull(service, "service");
        Objects.requireNonNull(name, "name");
    }
}
