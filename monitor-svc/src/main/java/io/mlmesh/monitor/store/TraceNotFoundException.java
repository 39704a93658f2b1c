package io.mlmesh.monitor.store;

/** A trace id the store does not hold: never received, or evicted as one of the oldest. */
public final class TraceNotFoundException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public TraceNotFoundException(String traceId) {
        super("trace_id " + traceId + " not found (never received, or evicted as one of the"
                + " oldest)");
    }
}
