package io.mlmesh.inference.predictionlog;

import com.google.protobuf.Timestamp;
import io.mlmesh.inference.v1.FieldValue;
import io.mlmesh.monitor.v1.LoggedValue;
import io.mlmesh.monitor.v1.PredictionLogEntry;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Turns a served prediction into its {@link PredictionLogEntry}, masking personal columns on
 * the way: a masked column's value is replaced by the lower-case hex HMAC-SHA-256 of its text
 * (the feature store's keyed-hash policy, so equal keys give equal hashes in both places), or
 * left out when no key is configured. The raw value never enters the entry.
 *
 * <p>Text forms: numbers as {@link Double#toString(double)}, times as ISO-8601 UTC. Unmasked
 * times are logged as that text too, since a logged value is a number or a text.
 *
 * <p>Not thread-safe (one {@link Mac}): the prediction log's single writer thread owns it.
 */
final class EntryEncoder {

    private static final String ALGORITHM = "HmacSHA256";

    private final Set<String> maskedColumns;
    private final Mac mac;

    /**
     * @param maskedColumns the personal columns
     * @param hmacKey the masking key, or null to drop masked columns
     */
    EntryEncoder(List<String> maskedColumns, String hmacKey) {
        this.maskedColumns = Set.copyOf(maskedColumns);
        this.mac = hmacKey == null ? null : macOf(hmacKey);
    }

    PredictionLogEntry encode(ServedPrediction served) {
        PredictionLogEntry.Builder entry = PredictionLogEntry.newBuilder()
                .setRequestId(served.response().getRequestId())
                .setEndpoint(served.request().getModel())
                .setModel(served.response().getModel())
                .setVersion(served.response().getVersion())
                .setVariant(served.response().getVariant())
                .setScore(served.response().getScore())
                .setLatencyMicros(served.latencyMicros())
                .setTimestamp(timestampOf(served.servedAtEpochMillis()));

        for (Map.Entry<String, FieldValue> field : served.request().getFieldsMap().entrySet()) {
            put(entry, field.getKey(), valueOf(field.getValue()));
        }
        double[] online = served.online().values();
        for (int slot = 0; slot < online.length; slot++) {
            put(entry, served.plan().columnOf(slot),
                    LoggedValue.newBuilder().setNumber(online[slot]).build());
        }
        return entry.build();
    }

    private void put(PredictionLogEntry.Builder entry, String column, LoggedValue value) {
        if (!maskedColumns.contains(column)) {
            entry.putFeatures(column, value);
            return;
        }

        entry.addMaskedColumns(column);
        if (mac != null) {
            entry.putFeatures(column, LoggedValue.newBuilder().setText(hash(textOf(value)))
                    .build());
        }
    }

    private String hash(String text) {
        return HexFormat.of().formatHex(mac.doFinal(text.getBytes(StandardCharsets.UTF_8)));
    }

    private static LoggedValue valueOf(FieldValue value) {
        return switch (value.getKindCase()) {
            case NUMBER -> LoggedValue.newBuilder().setNumber(value.getNumber()).build();
            case TEXT -> LoggedValue.newBuilder().setText(value.getText()).build();
            case TIME -> LoggedValue.newBuilder().setText(Instant.ofEpochSecond(
                    value.getTime().getSeconds(), value.getTime().getNanos()).toString()).build();
            case KIND_NOT_SET -> LoggedValue.newBuilder().setNumber(Double.NaN).build();
        };
    }

    private static String textOf(LoggedValue value) {
        return value.getKindCase() == LoggedValue.KindCase.TEXT
                ? value.getText()
                : Double.toString(value.getNumber());
    }

    private static Timestamp timestampOf(long epochMillis) {
        return Timestamp.newBuilder()
                .setSeconds(Math.floorDiv(epochMillis, 1000L))
                .setNanos((int) Math.floorMod(epochMillis, 1000L) * 1_000_000)
                .build();
    }

    private static Mac macOf(String key) {
        try {
            Mac mac = Mac.getInstance(ALGORITHM);
            mac.init(new SecretKeySpec(key.getBytes(StandardCharsets.UTF_8), ALGORITHM));
            return mac;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK lacks " + ALGORITHM, e);
        }
    }
}
