package io.mlmesh.core.transform;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The edges of fitting and applying transforms, on slices of the real tables. */
class TransformEdgeCasesTest {

    private static final CsvRows FLIGHTS = CsvRows.flights();

    private static final List<FeatureTransform> EVERY_KIND = List.of(
            new FeatureTransform("distance", TransformKind.NUMERIC, "distance"),
            new FeatureTransform("hour", TransformKind.HOUR_OF_DAY, "date"),
            new FeatureTransform("weekday", TransformKind.DAY_OF_WEEK, "date"),
            new FeatureTransform("month", TransformKind.MONTH, "date"),
            new FeatureTransform("origin_index", TransformKind.CATEGORY_INDEX, "origin"),
            new FeatureTransform("distance_z", TransformKind.STANDARDIZE, "distance"),
            new FeatureTransform("distance_01", TransformKind.MIN_MAX, "distance"),
            new FeatureTransform("log_delay", TransformKind.LOG, "delay"),
            new FeatureTransform("distance_bucket", TransformKind.BUCKETIZE, "distance", 8, 0),
            new FeatureTransform("origin", TransformKind.ONE_HOT, "origin", 0, 10),
            new FeatureTransform("destination", TransformKind.INTEGER_ENCODING, "destination",
                    0, 0),
            new FeatureTransform("destination_hash", TransformKind.HASHING, "destination", 64,
                    0));

    @Test
    void vectorize_constantTrainingColumn_scalesToZeroNeverNaN() {
        CsvRows route = FLIGHTS.where("origin", "LAX"::equals)
                .where("destination", "SFO"::equals);
        FeatureVectorizer vectorizer = FeatureVectorizer.fit(List.of(
                new FeatureTransform("z", TransformKind.STANDARDIZE, "distance"),
                new FeatureTransform("scaled", TransformKind.MIN_MAX, "distance")),
                route.views());

        float[] vector = vectorizer.vectorize(route.row(0));

        assertTrue(route.size() > 10, "LAX to SFO flights: " + route.size());
        assertEquals(0.0, vectorizer.numericFits().get("z").standardDeviation());
        assertArrayEquals(new float[] {0f, 0f}, vector);
        assertArrayEquals(new float[] {Float.NaN, Float.NaN}, vectorizer.vectorize(
                new FeatureVectorizerTest.MapRow(Map.of(), Map.of(), Map.of())));
    }

    @Test
    void fit_columnMissingInEveryTrainingRow_isRefusedNamingTransformAndColumn() {
        CsvRows noIncome = CsvRows.credit().where("Income", "NA"::equals);
        List<FeatureTransform> standardize = List.of(
                new FeatureTransform("income", TransformKind.STANDARDIZE, "Income"));

        IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
                () -> FeatureVectorizer.fit(standardize, noIncome.views()));

        assertEquals("transform income (STANDARDIZE): column Income has no finite value in the "
                + noIncome.size() + " training rows", error.getMessage());
    }

    @Test
    void fit_textColumnMissingInEveryTrainingRow_leavesOnlyTheOutOfVocabularyInput() {
        CsvRows noHome = CsvRows.credit().where("Home", "NA"::equals);
        FeatureVectorizer vectorizer = FeatureVectorizer.fit(List.of(
                new FeatureTransform("home", TransformKind.ONE_HOT, "Home")), noHome.views());

        float[] owner = vectorizer.vectorize(new FeatureVectorizerTest.MapRow(Map.of(),
                Map.of("Home", "owner"), Map.of()));

        assertTrue(noHome.size() > 0);
        assertEquals(List.of("home=<oov>"), vectorizer.featureNames());
        assertArrayEquals(new float[] {1f}, owner);
        assertArrayEquals(new float[] {Float.NaN}, vectorizer.vectorize(noHome.row(0)));
    }

    @Test
    void vectorize_unseenCategory_goesToOutOfVocabularySlots() {
        FeatureVectorizer vectorizer = FeatureVectorizer.fit(EVERY_KIND,
                FLIGHTS.rows(0, 5000).views());
        RowView unseen = new FeatureVectorizerTest.MapRow(Map.of(),
                Map.of("origin", "ZZZ", "destination", "ZZZ"), Map.of());

        float[] vector = vectorizer.vectorize(unseen);

        int oneHotStart = vectorizer.featureNames().indexOf("origin=<oov>") - 10;
        int encoding = vectorizer.featureNames().indexOf("destination");
        assertTrue(Float.isNaN(vector[vectorizer.featureNames().indexOf("origin_index")]),
                "a category index keeps reading an unseen value as missing");
        for (int i = 0; i < 10; i++) {
            assertEquals(0f, vector[oneHotStart + i]);
        }
        assertEquals(1f, vector[oneHotStart + 10]);
        assertEquals(0f, vector[encoding], "unseen is 0, distinct from missing");
    }

    @Test
    void vectorize_missingInputs_areNaNForEveryKind() {
        FeatureVectorizer vectorizer = FeatureVectorizer.fit(EVERY_KIND,
                FLIGHTS.rows(0, 5000).views());
        RowView empty = new FeatureVectorizerTest.MapRow(Map.of(),
                Map.of("origin", "", "destination", ""), Map.of());

        float[] vector = vectorizer.vectorize(empty);

        assertEquals(11 + 11, vector.length, "eleven one-input kinds and a one-hot of 10 + 1");
        for (int i = 0; i < vector.length; i++) {
            assertTrue(Float.isNaN(vector[i]), vectorizer.featureNames().get(i) + " is missing");
        }
    }

    @Test
    void vectorize_logOfNegativeAndZero_isMissingAndZero() {
        FeatureVectorizer vectorizer = new FeatureVectorizer(List.of(
                new FeatureTransform("log_delay", TransformKind.LOG, "delay")), Map.of());
        CsvRows early = FLIGHTS.where("delay", text -> text.startsWith("-"));
        CsvRows onTime = FLIGHTS.where("delay", "0"::equals);

        assertTrue(Float.isNaN(vectorizer.vectorize(early.row(0))[0]));
        assertEquals(0f, vectorizer.vectorize(onTime.row(0))[0]);
    }

    @Test
    void vectorize_valueBeyondTrainingRange_isNotClipped() {
        CsvRows train = FLIGHTS.rows(0, 5000);
        FeatureVectorizer vectorizer = FeatureVectorizer.fit(List.of(
                new FeatureTransform("scaled", TransformKind.MIN_MAX, "distance")),
                train.views());
        NumericFit fit = vectorizer.numericFits().get("scaled");
        double beyond = 2 * fit.max() - fit.min();

        float[] vector = vectorizer.vectorize(new FeatureVectorizerTest.MapRow(
                Map.of("distance", beyond), Map.of(), Map.of()));

        assertEquals(2f, vector[0]);
    }

    @Test
    void fit_emptyTrainingSet_isRefusedWithReason() {
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
                () -> FeatureVectorizer.fit(EVERY_KIND, List.<RowView>of()));

        assertEquals("cannot fit transforms on an empty training set: vocabularies and"
                + " statistics are learned from training rows", error.getMessage());
    }

    @Test
    void constructor_sizeParametersOnTheWrongKind_areRefused() {
        IllegalArgumentException oneBucket = assertThrows(IllegalArgumentException.class,
                () -> new FeatureTransform("b", TransformKind.BUCKETIZE, "distance", 1, 0));
        IllegalArgumentException capOnScale = assertThrows(IllegalArgumentException.class,
                () -> new FeatureTransform("z", TransformKind.STANDARDIZE, "distance", 0, 5));

        assertEquals("transform b: BUCKETIZE needs at least 2 buckets, got 1",
                oneBucket.getMessage());
        assertEquals("transform z: STANDARDIZE takes no maximum vocabulary size, got 5",
                capOnScale.getMessage());
    }

    @Test
    void fit_fromTextColumnsWithNumericTransform_isRefused() {
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
                () -> FeatureVectorizer.fit(EVERY_KIND, Map.of("origin", List.of("ATL"))));

        assertEquals("transform distance_z (STANDARDIZE) learns from numbers: fit it from rows",
                error.getMessage());
    }
}
