package io.mlmesh.inference;

import io.mlmesh.core.transform.RowView;
import java.util.Map;

/** A row built from plain maps, as a training job sees one: the test's reference path. */
public record MapRow(Map<String, Double> numbers, Map<String, String> texts,
        Map<String, Long> timesMicros) implements RowView {

    @Override
    public double number(String column) {
        return numbers.getOrDefault(column, Double.NaN);
    }

    @Override
    public String text(String column) {
        return texts.get(column);
    }

    @Override
    public long timeMicros(String column) {
        return timesMicros.getOrDefault(column, MISSING_TIME);
    }
}
