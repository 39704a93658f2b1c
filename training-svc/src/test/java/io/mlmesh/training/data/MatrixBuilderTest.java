package io.mlmesh.training.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mlmesh.core.transform.FeatureTransform;
import io.mlmesh.core.transform.FeatureVectorizer;
import io.mlmesh.core.transform.TransformKind;
import io.mlmesh.training.FlightsCsv;
import java.util.List;
import org.junit.jupiter.api.Test;

class MatrixBuilderTest {

    private static final LabelRule LATE = new LabelRule("delay", FlightsCsv.LATE_MINUTES);
    private static final List<FlightsCsv.Flight> FLIGHTS = FlightsCsv.read();

    @Test
    void build_testOriginUnseenInTraining_isMissing() {
        List<FlightsCsv.Flight> train = FLIGHTS.subList(0, 50);
        FlightsCsv.Flight unseen = FLIGHTS.stream()
                .filter(flight -> train.stream().noneMatch(t -> t.origin().equals(flight.origin())))
                .findFirst().orElseThrow();
        List<FeatureTransform> transforms = List.of(
                new FeatureTransform("origin", TransformKind.CATEGORY_INDEX, "origin"),
                new FeatureTransform("hour", TransformKind.HOUR_OF_DAY, "date"));

        FeatureVectorizer vectorizer = MatrixBuilder.fit(transforms,
                FlightsCsv.trainingSet(train));
        FeatureMatrix matrix = MatrixBuilder.build(
                FlightsCsv.trainingSet(List.of(train.get(0), unseen)), vectorizer, LATE);

        assertEquals(2, matrix.rows());
        assertTrue(matrix.values()[0] >= 0, "a seen origin has an index");
        assertTrue(Float.isNaN(matrix.values()[2]), "an unseen origin is missing");
        assertEquals(0f, matrix.values()[1], "the first flight left at 00:47 UTC");
        assertEquals(train.get(0).delay() > 15 ? 1f : 0f, matrix.labels()[0]);
    }

    @Test
    void build_firstFlightOfAnOrigin_hasMissingFeatureAndLabelsFollowThreshold() {
        List<FeatureTransform> transforms = List.of(new FeatureTransform("late_share",
                TransformKind.NUMERIC, FlightsCsv.FEATURE_COLUMN));
        TrainingSet set = FlightsCsv.trainingSet(FLIGHTS.subList(0, 5000));

        FeatureMatrix matrix = MatrixBuilder.build(set, MatrixBuilder.fit(transforms, set),
                LATE);

        assertTrue(Float.isNaN(matrix.values()[0]));
        long late = FLIGHTS.subList(0, 5000).stream().filter(f -> f.delay() > 15).count();
        assertEquals(late / 5000.0, matrix.positiveShare(), 1e-9);
    }

    @Test
    void checkColumns_absentOrMistypedColumn_namesSetColumnAndReader() {
        TrainingSet set = FlightsCsv.trainingSet(FLIGHTS.subList(0, 10));

        IllegalArgumentException absent = assertThrows(IllegalArgumentException.class,
                () -> MatrixBuilder.checkColumns("test", set, List.of(new FeatureTransform(
                        "x", TransformKind.NUMERIC, "nope")), LATE));
        IllegalArgumentException mistyped = assertThrows(IllegalArgumentException.class,
                () -> MatrixBuilder.checkColumns("train", set, List.of(new FeatureTransform(
                        "hour", TransformKind.HOUR_OF_DAY, "origin")), LATE));

        assertTrue(absent.getMessage().startsWith(
                "test set has no column 'nope' read by transform x (columns: [date,"),
                absent.getMessage());
        assertEquals("train set column 'origin' read by transform hour is COLUMN_TYPE_STRING,"
                + " expected COLUMN_TYPE_TIMESTAMP", mistyped.getMessage());
    }
}
