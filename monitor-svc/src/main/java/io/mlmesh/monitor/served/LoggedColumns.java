package io.mlmesh.monitor.served;

import io.mlmesh.core.drift.CategoricalValues;
import io.mlmesh.core.drift.FeatureKind;
import io.mlmesh.core.drift.FeatureValues;
import io.mlmesh.core.drift.NumericValues;
import io.mlmesh.core.drift.ValueReading;
import io.mlmesh.monitor.v1.LoggedValue;
import io.mlmesh.monitor.v1.PredictionLogEntry;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads one column of logged predictions the way training profiled it ({@link ValueReading}).
 * A value that is absent from an entry (a column dropped by masking, a field the client did not
 * send) or that does not fit its reading (a text where a number belongs, an unparsable time)
 * counts as missing: drift tests leave it out and report the missing share.
 */
final class LoggedColumns {

    private LoggedColumns() {
    }

    /** The column's values over the entries. */
    static FeatureValues values(List<PredictionLogEntry> entries, String column,
            ValueReading reading) {
        if (reading.kind() == FeatureKind.NUMERIC) {
            double[] numbers = new double[entries.size()];
            for (int i = 0; i < numbers.length; i++) {
                numbers[i] = number(entries.get(i).getFeaturesMap().get(column), reading);
            }
            return NumericValues.of(numbers);
        }

        List<String> categories = new ArrayList<>(entries.size());
        for (PredictionLogEntry entry : entries) {
            categories.add(category(entry.getFeaturesMap().get(column), reading));
        }
        return CategoricalValues.of(categories);
    }

    /** The entries' scores; a NaN score counts as missing. */
    static NumericValues scores(List<PredictionLogEntry> entries) {
        return NumericValues.of(entries.stream().mapToDouble(PredictionLogEntry::getScore)
                .toArray());
    }

    private static double number(LoggedValue value, ValueReading reading) {
        if (value == null) {
            return Double.NaN;
        }
        if (reading == ValueReading.HOUR_OF_DAY) {
            return value.hasText() ? hourOfDay(value.getText()) : Double.NaN;
        }
        return value.hasNumber() ? value.getNumber() : parsedNumber(value.getText());
    }

    private static String category(LoggedValue value, ValueReading reading) {
        if (value == null) {
            return null;
        }
        if (value.hasText()) {
            return value.getText();
        }
        double number = value.getNumber();
        if (Double.isNaN(number)) {
            return null;
        }
        return reading == ValueReading.BOOLEAN ? Boolean.toString(number != 0)
                : Double.toString(number);
    }

    private static double hourOfDay(String isoTime) {
        try {
            return Instant.parse(isoTime).atZone(ZoneOffset.UTC).getHour();
        } catch (DateTimeException e) {
            return Double.NaN;
        }
    }

    private static double parsedNumber(String text) {
        try {
            return Double.parseDouble(text);
        } catch (NumberFormatException e) {
            return Double.NaN;
        }
    }
}
