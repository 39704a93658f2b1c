package io.mlmesh.core.transform;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FeatureVectorizerTest {

    private static final List<FeatureTransform> FLIGHT_INPUTS = List.of(
            new FeatureTransform("hour", TransformKind.HOUR_OF_DAY, "date"),
            new FeatureTransform("weekday", TransformKind.DAY_OF_WEEK, "date"),
            new FeatureTransform("month", TransformKind.MONTH, "date"),
            new FeatureTransform("distance", TransformKind.NUMERIC, "distance"),
            new FeatureTransform("origin", TransformKind.CATEGORY_INDEX, "origin"),
            new FeatureTransform("late_share", TransformKind.NUMERIC, "origin_7d__late_share"));

    @Test
    void vectorize_flightRow_computesEachInput() {
        FeatureVectorizer vectorizer = FeatureVectorizer.fit(FLIGHT_INPUTS,
                Map.of("origin", List.of("SFO", "LAX", "ATL", "SFO")));
        long micros = LocalDateTime.of(2001, 3, 14, 17, 45).toEpochSecond(ZoneOffset.UTC)
                * 1_000_000L;
        RowView row = new MapRow(Map.of("distance", 337.0, "origin_7d__late_share", 0.25),
                Map.of("origin", "SFO"), Map.of("date", micros));

        float[] vector = vectorizer.vectorize(row);

        assertArrayEquals(new float[] {17f, 3f, 3f, 337f, 2f, 0.25f}, vector);
    }

    @Test
    void vectorize_missingAndUnseenValues_areNaN() {
        FeatureVectorizer vectorizer = FeatureVectorizer.fit(FLIGHT_INPUTS,
                Map.of("origin", List.of("SFO")));
        RowView row = new MapRow(Map.of(), Map.of("origin", "XXX"), Map.of());

        float[] vector = vectorizer.vectorize(row);

        for (float value : vector) {
            assertTrue(Float.isNaN(value), "missing input must stay missing, never zero");
        }
    }

    @Test
    void fit_vocabularyIsSortedAndIgnoresRowOrder() {
        FeatureVectorizer first = FeatureVectorizer.fit(FLIGHT_INPUTS,
                Map.of("origin", List.of("ORD", "ATL", "SFO")));
        FeatureVectorizer second = FeatureVectorizer.fit(FLIGHT_INPUTS,
                Map.of("origin", List.of("SFO", "ORD", "ATL", "ATL")));

        assertEquals(List.of("ATL", "ORD", "SFO"), first.vocabularies().get("origin").values());
        assertEquals(first.vocabularies().get("origin").values(),
                second.vocabularies().get("origin").values());
    }

    @Test
    void constructor_duplicateName_isRefused() {
        List<FeatureTransform> twice = List.of(
                new FeatureTransform("x", TransformKind.NUMERIC, "a"),
                new FeatureTransform("x", TransformKind.NUMERIC, "b"));

        IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
                () -> new FeatureVectorizer(twice, Map.of()));

        assertEquals("transform name used twice: x", error.getMessage());
    }

    /** A row over plain maps, as a test's stand-in for a request or a column batch. */
    record MapRow(Map<String, Double> numbers, Map<String, String> texts,
            Map<String, Long> times) implements RowView {

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
            return times.getOrDefault(column, MISSING_TIME);
        }
    }
}
