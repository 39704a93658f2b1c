package io.mlmesh.inference.batching;

import io.mlmesh.inference.InferenceException;

/** The two priority levels of a {@link BatchQueue}: every HIGH request drains before NORMAL. */
public enum Priority {
    NORMAL,
    HIGH;

    /**
     * The level a request asks for: 0 is NORMAL (the default), 1 is HIGH.
     *
     * @param field names the request field in the message
     * @throws InferenceException INVALID_ARGUMENT for any other value
     */
    public static Priority of(long level, String field) {
        if (level == 0) {
            return NORMAL;
        }
        if (level == 1) {
            return HIGH;
        }
        throw InferenceException.invalid(field + " must be 0 (normal) or 1 (high), got "
                + level);
    }
}
