package io.mlmesh.inference.predictionlog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.Timestamp;
import io.mlmesh.featurestore.v1.FeatureStatus;
import io.mlmesh.inference.FlightsModel;
import io.mlmesh.inference.features.OnlineFeaturePlan;
import io.mlmesh.inference.features.OnlineFeatures;
import io.mlmesh.inference.v1.FieldValue;
import io.mlmesh.inference.v1.PredictRequest;
import io.mlmesh.inference.v1.PredictResponse;
import io.mlmesh.monitor.v1.PredictionLogEntry;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

/** Log entries from served predictions, with personal columns masked or dropped. */
class EntryEncoderTest {

    private static final OnlineFeaturePlan PLAN = OnlineFeaturePlan.of(
            List.of(FlightsModel.ORIGIN_STATS));
    private static final OnlineFeatures ONLINE = new OnlineFeatures(new double[] {812, 0.21},
            new FeatureStatus[] {FeatureStatus.FEATURE_STATUS_PRESENT,
                FeatureStatus.FEATURE_STATUS_PRESENT});
    private static final PredictRequest REQUEST = PredictRequest.newBuilder()
            .setModel("flights-endpoint")
            .putFields("date", FieldValue.newBuilder()
                    .setTime(Timestamp.newBuilder().setSeconds(1_000_000_000L)).build())
            .putFields("distance", FieldValue.newBuilder().setNumber(1750).build())
            .putFields("origin", FieldValue.newBuilder().setText("DTW").build())
            .putFields("destination", FieldValue.newBuilder().setText("LAS").build())
            .build();
    private static final PredictResponse RESPONSE = PredictResponse.newBuilder()
            .setRequestId("req-1").setModel("flights-delay").setVersion(3)
            .setVariant("b").setScore(0.375).build();
    private static final ServedPrediction SERVED = new ServedPrediction(REQUEST, PLAN, ONLINE,
            RESPONSE, 420, 1_780_000_000_123L);

    @Test
    void encode_withKey_hashesMaskedColumnsAndKeepsTheRest() throws Exception {
        EntryEncoder encoder = new EntryEncoder(List.of("origin", "destination"), "secret");

        PredictionLogEntry entry = encoder.encode(SERVED);

        assertEquals(hmac("secret", "DTW"), entry.getFeaturesOrThrow("origin").getText());
        assertEquals(hmac("secret", "LAS"), entry.getFeaturesOrThrow("destination").getText());
        assertEquals(Set.of("origin", "destination"), Set.copyOf(entry.getMaskedColumnsList()));
        assertEquals(1750, entry.getFeaturesOrThrow("distance").getNumber(), 0.0);
        assertEquals("2001-09-09T01:46:40Z", entry.getFeaturesOrThrow("date").getText());
        assertEquals(812, entry.getFeaturesOrThrow("origin_stats__flights").getNumber(), 0.0);
        assertEquals(0.21, entry.getFeaturesOrThrow("origin_stats__delay_share").getNumber(),
                0.0);
        assertRawValuesAbsent(entry);
        assertEquals("req-1", entry.getRequestId());
        assertEquals("flights-endpoint", entry.getEndpoint());
        assertEquals("flights-delay", entry.getModel());
        assertEquals(3, entry.getVersion());
        assertEquals("b", entry.getVariant());
        assertEquals(0.375, entry.getScore(), 0.0);
        assertEquals(420, entry.getLatencyMicros());
        assertEquals(1_780_000_000L, entry.getTimestamp().getSeconds());
        assertEquals(123_000_000, entry.getTimestamp().getNanos());
    }

    @Test
    void encode_withoutKey_dropsMaskedColumnsAndNamesThem() {
        EntryEncoder encoder = new EntryEncoder(List.of("origin", "origin_stats__flights"),
                null);

        PredictionLogEntry entry = encoder.encode(SERVED);

        assertFalse(entry.containsFeatures("origin"));
        assertFalse(entry.containsFeatures("origin_stats__flights"));
        assertEquals(Set.of("origin", "origin_stats__flights"),
                Set.copyOf(entry.getMaskedColumnsList()));
        assertEquals("LAS", entry.getFeaturesOrThrow("destination").getText());
        assertTrue(entry.containsFeatures("origin_stats__delay_share"));
    }

    @Test
    void encode_maskedNumber_hashesItsText() throws Exception {
        EntryEncoder encoder = new EntryEncoder(List.of("distance"), "secret");

        PredictionLogEntry entry = encoder.encode(SERVED);

        assertEquals(hmac("secret", "1750.0"), entry.getFeaturesOrThrow("distance").getText());
    }

    private static void assertRawValuesAbsent(PredictionLogEntry entry) {
        String bytes = new String(entry.toByteArray(), StandardCharsets.ISO_8859_1);
        assertFalse(bytes.contains("DTW"), "raw origin in the entry");
        assertFalse(bytes.contains("LAS"), "raw destination in the entry");
    }

    static String hmac(String key, String text) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(key.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        return HexFormat.of().formatHex(mac.doFinal(text.getBytes(StandardCharsets.UTF_8)));
    }
}
