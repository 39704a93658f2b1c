package io.mlmesh.inference.predictionlog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.util.HashSet;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class RequestIdsTest {

    @Test
    void orNew_clientId_keptAsIs() {
        assertEquals("client-7", RequestIds.orNew("client-7"));
    }

    @Test
    void orNew_noClientId_distinctVersionFourUuids() {
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < 10_000; i++) {
            String id = RequestIds.orNew("");
            UUID uuid = UUID.fromString(id);
            assertEquals(4, uuid.version());
            assertEquals(2, uuid.variant());
            assertEquals(id, uuid.toString());
            ids.add(id);
        }

        assertEquals(10_000, ids.size());
        assertNotEquals(RequestIds.orNew(""), RequestIds.orNew(""));
    }
}
