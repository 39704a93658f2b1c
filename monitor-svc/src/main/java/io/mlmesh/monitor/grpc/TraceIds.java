package io.mlmesh.monitor.grpc;

import java.util.HexFormat;
import java.util.Locale;

/** Hex forms of W3C trace and span ids, as the Monitor API shows them. */
final class TraceIds {

    private static final HexFormat HEX = HexFormat.of();
    private static final int TRACE_ID_HEX_DIGITS = 32;

    private TraceIds() {
    }

    /**
     * Checks a trace id given by a caller and returns it in lowercase.
     *
     * @throws IllegalArgumentException naming the field if it is not 32 hex digits
     */
    static String requireValid(String traceId) {
        if (traceId.length() != TRACE_ID_HEX_DIGITS) {
            throw new IllegalArgumentException("trace_id must be 32 hex digits, got "
                    + traceId.length() + " characters");
        }
        if (!traceId.chars().allMatch(HexFormat::isHexDigit)) {
            throw new IllegalArgumentException(
                    "trace_id must be 32 hex digits, got '" + traceId + "'");
        }

        return traceId.toLowerCase(Locale.ROOT);
    }

    static String traceIdHex(byte[] traceId) {
        return HEX.formatHex(traceId);
    }

    /** The span id's 16 hex digits, or an empty string for 0 (no parent). */
    static String spanIdHex(long spanId) {
        return spanId == 0 ? "" : HEX.toHexDigits(spanId);
    }
}
