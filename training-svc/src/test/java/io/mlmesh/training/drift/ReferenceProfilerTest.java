package io.mlmesh.training.drift;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.mlmesh.core.drift.CategoricalProfile;
import io.mlmesh.core.drift.FeatureProfile;
import io.mlmesh.core.drift.ModelReference;
import io.mlmesh.core.drift.NumericProfile;
import io.mlmesh.core.drift.ValueReading;
import io.mlmesh.core.transform.FeatureTransform;
import io.mlmesh.core.transform.TransformKind;
import io.mlmesh.training.FlightsCsv;
import io.mlmesh.training.FlightsCsv.Flight;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The reference training stores with a model, profiled from real flights rows. */
class ReferenceProfilerTest {

    private static final List<FeatureTransform> TRANSFORMS = List.of(
            new FeatureTransform("hour", TransformKind.HOUR_OF_DAY, "date"),
            new FeatureTransform("weekday", TransformKind.DAY_OF_WEEK, "date"),
            new FeatureTransform("distance", TransformKind.STANDARDIZE, "distance"),
            new FeatureTransform("origin", TransformKind.CATEGORY_INDEX, "origin"),
            new FeatureTransform("late_share", TransformKind.NUMERIC, FlightsCsv.FEATURE_COLUMN));

    @Test
    void profile_flightsColumns_oneProfilePerColumnReadAsServingLogsThem() {
        List<Flight> train = FlightsCsv.read().subList(0, 5000);
        double[] testScores = {0.1, 0.2, 0.3, 0.4};

        ModelReference reference = ReferenceProfiler.profile(TRANSFORMS,
                FlightsCsv.trainingSet(train), testScores);

        assertEquals(Map.of("date", ValueReading.HOUR_OF_DAY, "distance", ValueReading.NUMBER,
                "origin", ValueReading.TEXT, FlightsCsv.FEATURE_COLUMN, ValueReading.NUMBER),
                reference.readings());
        assertEquals(List.of("date", "distance", "origin", FlightsCsv.FEATURE_COLUMN),
                reference.features().features().stream().map(FeatureProfile::feature).toList());
        assertEquals(5000, reference.features().rowCount());

        NumericProfile hour = (NumericProfile) reference.features().features().get(0);
        double meanHour = train.stream().mapToDouble(flight -> Instant.ofEpochSecond(
                flight.timeMicros() / 1_000_000).atZone(ZoneOffset.UTC).getHour())
                .average().orElseThrow();
        assertEquals(meanHour, hour.mean(), 1e-9);
        CategoricalProfile origin = (CategoricalProfile) reference.features().features().get(2);
        assertEquals(train.stream().collect(Collectors.groupingBy(Flight::origin,
                Collectors.counting())), origin.categoryCounts());
        FeatureProfile share = reference.features().features().get(3);
        assertEquals(train.stream().filter(flight -> Double.isNaN(flight.originLateShare()))
                .count(), share.missingCount(), "an origin's first flight has no share yet");
        assertEquals(4, reference.prediction().count());
        assertEquals(0.25, reference.prediction().mean(), 1e-12);
        assertEquals(ReferenceProfiler.PREDICTION_ROWS, reference.predictionRows());
    }
}
