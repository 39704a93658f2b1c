package io.mlmesh.core.transform;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Each fitted or stateless transform kind on real data: what it learns from the training rows
 * is checked against the same figure computed here from the same rows, and its output on
 * later rows against the formula applied to the learned state.
 */
class FittedTransformsTest {

    private static final CsvRows FLIGHTS = CsvRows.flights();
    private static final CsvRows TRAIN = FLIGHTS.rows(0, 15_000);
    private static final CsvRows LATER = FLIGHTS.rows(15_000, FLIGHTS.size());

    @Test
    void fit_standardize_learnsMeanAndPopulationDeviationOfTrainingRows() {
        FeatureTransform scaled = new FeatureTransform("distance_z", TransformKind.STANDARDIZE,
                "distance");
        double[] distances = TRAIN.numbers("distance");
        double mean = Arrays.stream(distances).sum() / distances.length;
        double squares = Arrays.stream(distances).map(x -> (x - mean) * (x - mean)).sum();
        double deviation = Math.sqrt(squares / distances.length);

        FeatureVectorizer vectorizer = FeatureVectorizer.fit(List.of(scaled), TRAIN.views());

        NumericFit fit = vectorizer.numericFits().get("distance_z");
        assertEquals(distances.length, fit.count());
        assertEquals(mean, fit.mean(), 1e-9 * mean);
        assertEquals(deviation, fit.standardDeviation(), 1e-9 * deviation);
        double[] later = LATER.numbers("distance");
        for (int i = 0; i < later.length; i++) {
            assertEquals((float) ((later[i] - fit.mean()) / fit.standardDeviation()),
                    vectorizer.vectorize(LATER.row(i))[0], "row " + i);
        }
    }

    @Test
    void fit_minMax_learnsTrainingRangeIgnoringMissingValues() {
        CsvRows credit = CsvRows.credit();
        CsvRows train = credit.rows(0, 3000);
        CsvRows later = credit.rows(3000, credit.size());
        FeatureTransform scaled = new FeatureTransform("income", TransformKind.MIN_MAX,
                "Income");
        double[] incomes = Arrays.stream(train.numbers("Income")).filter(x -> !Double.isNaN(x))
                .toArray();
        double min = Arrays.stream(incomes).min().orElseThrow();
        double max = Arrays.stream(incomes).max().orElseThrow();

        FeatureVectorizer vectorizer = FeatureVectorizer.fit(List.of(scaled), train.views());

        NumericFit fit = vectorizer.numericFits().get("income");
        assertEquals(incomes.length, fit.count());
        assertTrue(incomes.length < train.size(), "credit Income has NA rows to leave out");
        assertEquals(min, fit.min());
        assertEquals(max, fit.max());
        double[] values = later.numbers("Income");
        for (int i = 0; i < values.length; i++) {
            float expected = Double.isNaN(values[i]) ? Float.NaN
                    : (float) ((values[i] - min) / (max - min));
            assertEquals(expected, vectorizer.vectorize(later.row(i))[0], "row " + i);
        }
    }

    @Test
    void vectorize_log_givesLog1pOfNonNegativeDelaysAndMissingForNegativeOnes() {
        FeatureVectorizer vectorizer = new FeatureVectorizer(
                List.of(new FeatureTransform("log_delay", TransformKind.LOG, "delay")),
                Map.of());
        double[] delays = LATER.numbers("delay");
        int negatives = 0;

        for (int i = 0; i < delays.length; i++) {
            float value = vectorizer.vectorize(LATER.row(i))[0];
            if (delays[i] < 0) {
                negatives++;
                assertTrue(Float.isNaN(value), "a negative delay is missing, row " + i);
            } else {
                assertEquals((float) Math.log1p(delays[i]), value, "row " + i);
            }
        }

        assertTrue(negatives > 0, "the flights sample has early (negative) delays");
    }

    @Test
    void fit_bucketize_edgesAreTrainingQuantilesAndRowsFallBetweenThem() {
        FeatureTransform buckets = new FeatureTransform("distance_bucket",
                TransformKind.BUCKETIZE, "distance", 10, 0);
        List<Double> expectedEdges = quantiles(TRAIN.numbers("distance"), 10);

        FeatureVectorizer vectorizer = FeatureVectorizer.fit(List.of(buckets), TRAIN.views());

        List<Double> edges = vectorizer.numericFits().get("distance_bucket").bucketEdges();
        assertEquals(expectedEdges.size(), edges.size());
        for (int i = 0; i < edges.size(); i++) {
            assertEquals(expectedEdges.get(i), edges.get(i), 1e-9, "edge " + i);
        }
        double[] later = LATER.numbers("distance");
        for (int i = 0; i < later.length; i++) {
            double value = later[i];
            long below = edges.stream().filter(edge -> edge <= value).count();
            assertEquals((float) below, vectorizer.vectorize(LATER.row(i))[0], "row " + i);
        }
    }

    @Test
    void fit_bucketizeOfMostlyEqualValues_collapsesDuplicateEdges() {
        CsvRows churn = CsvRows.churn();
        FeatureTransform buckets = new FeatureTransform("senior", TransformKind.BUCKETIZE,
                "senior_citizen", 10, 0);
        List<Double> expectedEdges = quantiles(churn.numbers("senior_citizen"), 10);

        FeatureVectorizer vectorizer = FeatureVectorizer.fit(List.of(buckets), churn.views());

        List<Double> edges = vectorizer.numericFits().get("senior").bucketEdges();
        assertEquals(expectedEdges, edges);
        assertTrue(edges.size() < 9, "nine quantiles of a 0/1 column collapse: " + edges);
    }

    @Test
    void fit_oneHot_keepsMostFrequentValuesTiesByValueAndAddsOutOfVocabularyInput() {
        FeatureTransform oneHot = new FeatureTransform("origin", TransformKind.ONE_HOT,
                "origin", 0, 20);
        List<String> expected = topValues(TRAIN.texts("origin"), 20);

        FeatureVectorizer vectorizer = FeatureVectorizer.fit(List.of(oneHot), TRAIN.views());

        assertEquals(expected, vectorizer.vocabularies().get("origin").values());
        assertEquals(21, vectorizer.width());
        assertEquals("origin=" + expected.get(0), vectorizer.featureNames().get(0));
        assertEquals("origin=<oov>", vectorizer.featureNames().get(20));
        List<String> origins = LATER.texts("origin");
        for (int i = 0; i < origins.size(); i++) {
            float[] expectedVector = new float[21];
            int slot = expected.indexOf(origins.get(i));
            expectedVector[slot < 0 ? 20 : slot] = 1f;
            assertArrayEquals(expectedVector, vectorizer.vectorize(LATER.row(i)), "row " + i);
        }
    }

    @Test
    void fit_shuffledRows_learnsBitIdenticalState() {
        List<FeatureTransform> fitted = List.of(
                new FeatureTransform("origin", TransformKind.ONE_HOT, "origin", 0, 30),
                new FeatureTransform("distance_z", TransformKind.STANDARDIZE, "distance"),
                new FeatureTransform("delay_bucket", TransformKind.BUCKETIZE, "delay", 7, 0));
        List<RowView> shuffled = new ArrayList<>(TRAIN.views());
        Collections.shuffle(shuffled, new Random(7));

        FeatureVectorizer inOrder = FeatureVectorizer.fit(fitted, TRAIN.views());
        FeatureVectorizer reordered = FeatureVectorizer.fit(fitted, shuffled);

        assertEquals(inOrder.vocabularies().get("origin").values(),
                reordered.vocabularies().get("origin").values());
        assertEquals(inOrder.featureNames(), reordered.featureNames());
        assertEquals(inOrder.numericFits(), reordered.numericFits());
        for (int i = 0; i < LATER.size(); i += 10) {
            assertArrayEquals(inOrder.vectorize(LATER.row(i)), reordered.vectorize(LATER.row(i)));
        }
    }

    @Test
    void fit_integerEncoding_ranksByFrequencyFromOneAndGivesZeroToUnseenValues() {
        CsvRows churn = CsvRows.churn();
        FeatureTransform encoded = new FeatureTransform("payment",
                TransformKind.INTEGER_ENCODING, "payment_method", 0, 3);
        List<String> expected = topValues(churn.texts("payment_method"), 3);

        FeatureVectorizer vectorizer = FeatureVectorizer.fit(List.of(encoded), churn.views());

        assertEquals(expected, vectorizer.vocabularies().get("payment").values());
        List<String> methods = churn.texts("payment_method");
        Set<Float> seen = new HashSet<>();
        for (int i = 0; i < methods.size(); i++) {
            float value = vectorizer.vectorize(churn.row(i))[0];
            assertEquals((float) (expected.indexOf(methods.get(i)) + 1), value, "row " + i);
            seen.add(value);
        }
        assertEquals(Set.of(0f, 1f, 2f, 3f), seen, "the fourth method is cut: encoded 0");
    }

    @Test
    void vectorize_hashing_matchesMurmur3ReferenceAndSpreadsDestinations() {
        FeatureVectorizer vectorizer = new FeatureVectorizer(List.of(
                new FeatureTransform("destination_hash", TransformKind.HASHING, "destination",
                        1000, 0)), Map.of());
        RowView hello = new FeatureVectorizerTest.MapRow(Map.of(),
                Map.of("destination", "hello"), Map.of());
        Set<Float> buckets = new HashSet<>();

        for (int i = 0; i < LATER.size(); i++) {
            float bucket = vectorizer.vectorize(LATER.row(i))[0];
            assertTrue(bucket >= 0 && bucket < 1000 && bucket == Math.rint(bucket),
                    "bucket " + bucket);
            buckets.add(bucket);
        }

        // MurmurHash3_x86_32("hello", seed 0) is 613153351 in the reference implementation.
        assertEquals(613153351 % 1000, vectorizer.vectorize(hello)[0]);
        int destinations = new HashSet<>(LATER.texts("destination")).size();
        assertTrue(buckets.size() > destinations * 0.8,
                buckets.size() + " buckets for " + destinations + " destinations");
    }

    /** Quantiles at i / buckets, interpolated linearly (numpy's default), equal ones once. */
    private static List<Double> quantiles(double[] values, int buckets) {
        double[] sorted = Arrays.stream(values).filter(Double::isFinite).sorted().toArray();
        List<Double> edges = new ArrayList<>();
        for (int i = 1; i < buckets; i++) {
            double position = (sorted.length - 1) * (double) i / buckets;
            int low = (int) Math.floor(position);
            double high = sorted[Math.min(low + 1, sorted.length - 1)];
            double edge = sorted[low] + (position - low) * (high - sorted[low]);
            if (edges.isEmpty() || edges.get(edges.size() - 1) < edge) {
                edges.add(edge);
            }
        }
        return edges;
    }

    /** The most frequent present values, ties by value, at most {@code limit}. */
    private static List<String> topValues(List<String> values, int limit) {
        Map<String, Integer> counts = new HashMap<>();
        values.stream().filter(Objects::nonNull).forEach(value -> counts.merge(value, 1,
                Integer::sum));
        return counts.keySet().stream()
                .sorted(Comparator.comparing((String value) -> -counts.get(value))
                        .thenComparing(Comparator.naturalOrder()))
                .limit(limit)
                .toList();
    }
}
