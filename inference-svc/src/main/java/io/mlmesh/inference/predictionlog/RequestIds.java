package io.mlmesh.inference.predictionlog;

import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Request ids for predictions whose client sent none, so that every logged prediction can be
 * joined with its outcome later. Random version-4 UUIDs from {@link ThreadLocalRandom}: unlike
 * {@link UUID#randomUUID()} it shares no lock between serving threads, and an id needs to be
 * unique, not unguessable.
 */
public final class RequestIds {

    private static final long VERSION_MASK = 0xffffffffffff0fffL;
    private static final long VERSION_4 = 0x0000000000004000L;
    private static final long VARIANT_MASK = 0x3fffffffffffffffL;
    private static final long VARIANT_IETF = 0x8000000000000000L;

    private RequestIds() {
    }

    /** The client's id when it sent one, otherwise a new random UUID. */
    public static String orNew(String clientRequestId) {
        if (!clientRequestId.isEmpty()) {
            return clientRequestId;
        }

        ThreadLocalRandom random = ThreadLocalRandom.current();
        long high = random.nextLong() & VERSION_MASK | VERSION_4;
        long low = random.nextLong() & VARIANT_MASK | VARIANT_IETF;
        return new UUID(high, low).toString();
    }
}
