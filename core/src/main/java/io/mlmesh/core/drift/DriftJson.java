package io.mlmesh.core.drift;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * The JSON form of stored drift references: unknown properties are skipped on reading, so that
 * a reference written by a later version with more fields still reads.
 */
final class DriftJson {

    private static final ObjectMapper JSON = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    private DriftJson() {
    }

    /** The value as UTF-8 JSON; {@code what} names it in the error. */
    static byte[] write(Object value, String what) {
        try {
            return JSON.writeValueAsBytes(value);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + what, e);
        }
    }

    /**
     * Reads a value written by {@link #write}.
     *
     * @throws IllegalArgumentException naming {@code what} when the bytes are not valid
     */
    static <T> T read(byte[] json, Class<T> type, String what) {
        try {
            return JSON.readValue(json, type);
        } catch (IOException e) {
            throw new IllegalArgumentException(what + " is not valid JSON: " + e.getMessage(), e);
        }
    }
}
