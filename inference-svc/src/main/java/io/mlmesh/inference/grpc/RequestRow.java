package io.mlmesh.inference.grpc;

import io.mlmesh.core.transform.RowView;
import io.mlmesh.inference.features.OnlineFeaturePlan;
import io.mlmesh.inference.v1.FieldValue;
import java.util.Map;

/**
 * A Predict request as core's {@link RowView}: online feature columns ({@code view__feature})
 * read the feature store's values, every other column reads the request field of its name.
 * An absent field, or one of another kind, reads as missing; kinds are checked before.
 */
final class RequestRow implements RowView {

    private static final long MICROS_PER_SECOND = 1_000_000L;
    private static final long NANOS_PER_MICRO = 1_000L;

    private final Map<String, FieldValue> fields;
    private final OnlineFeaturePlan online;
    private final double[] onlineValues;

    RequestRow(Map<String, FieldValue> fields, OnlineFeaturePlan online, double[] onlineValues) {
        this.fields = fields;
        this.online = online;
        this.onlineValues = onlineValues;
    }

    @Override
    public double number(String column) {
        int slot = online.slotOf(column);
        if (slot >= 0) {
            return onlineValues[slot];
        }

        FieldValue value = fields.get(column);
        return value != null && value.getKindCase() == FieldValue.KindCase.NUMBER
                ? value.getNumber()
                : Double.NaN;
    }

    @Override
    public String text(String column) {
        FieldValue value = fields.get(column);
        return value != null && value.getKindCase() == FieldValue.KindCase.TEXT
                ? value.getText()
                : null;
    }

    @Override
    public long timeMicros(String column) {
        FieldValue value = fields.get(column);
        if (value == null || value.getKindCase() != FieldValue.KindCase.TIME) {
            return MISSING_TIME;
        }

        return value.getTime().getSeconds() * MICROS_PER_SECOND
                + value.getTime().getNanos() / NANOS_PER_MICRO;
    }
}
