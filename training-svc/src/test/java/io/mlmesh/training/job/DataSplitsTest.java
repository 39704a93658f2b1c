package io.mlmesh.training.job;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mlmesh.core.transform.FeatureTransform;
import io.mlmesh.core.transform.FeatureVectorizer;
import io.mlmesh.core.transform.TransformKind;
import io.mlmesh.training.FlightsCsv;
import io.mlmesh.training.data.FeatureMatrix;
import io.mlmesh.training.data.LabelRule;
import io.mlmesh.training.data.MatrixBuilder;
import io.mlmesh.training.data.TrainingSet;
import io.mlmesh.training.v1.DataPreparation;
import io.mlmesh.training.v1.ImbalanceKind;
import io.mlmesh.training.v1.ImbalanceSpec;
import io.mlmesh.training.v1.SplitKind;
import io.mlmesh.training.v1.SplitSpec;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** Splits and class-imbalance handling on the real flights sample (20 % late). */
class DataSplitsTest {

    private static final LabelRule LATE = new LabelRule("delay", FlightsCsv.LATE_MINUTES);
    private static final List<FeatureTransform> TRANSFORMS = List.of(
            new FeatureTransform("distance", TransformKind.NUMERIC, "distance"),
            new FeatureTransform("origin_late_share", TransformKind.NUMERIC,
                    FlightsCsv.FEATURE_COLUMN));
    private static final TrainingSet FLIGHTS = FlightsCsv.trainingSet(FlightsCsv.read());

    @Test
    void split_stratified_keepsPositiveShareInBothPartsAndEveryRowOnce() {
        TrainingSet[] parts = DataSplits.split(split(SplitKind.SPLIT_KIND_STRATIFIED, 0.25, 7),
                FLIGHTS, LATE);

        float[] all = MatrixBuilder.labels(FLIGHTS, LATE);
        float[] train = MatrixBuilder.labels(parts[0], LATE);
        float[] test = MatrixBuilder.labels(parts[1], LATE);
        assertEquals(FLIGHTS.rowCount(), train.length + test.length);
        assertEquals(Math.round(FLIGHTS.rowCount() * 0.25), test.length, 1);
        assertEquals(test.length, parts[1].summary().getRowCount());
        assertEquals(FLIGHTS.summary().getContentSha256(),
                parts[1].summary().getContentSha256());
        assertEquals(share(all), share(test), 1.0 / test.length);
        assertEquals(share(all), share(train), 1.0 / train.length);
        Set<String> lines = new HashSet<>(rowIdentities(parts[0]));
        lines.addAll(rowIdentities(parts[1]));
        assertEquals(new HashSet<>(rowIdentities(FLIGHTS)), lines);
    }

    @Test
    void split_random_sameSeedSameRowsOtherSeedOtherRows() {
        TrainingSet first = DataSplits.split(split(SplitKind.SPLIT_KIND_RANDOM, 0.2, 1),
                FLIGHTS, LATE)[1];
        TrainingSet again = DataSplits.split(split(SplitKind.SPLIT_KIND_RANDOM, 0.2, 1),
                FLIGHTS, LATE)[1];
        TrainingSet other = DataSplits.split(split(SplitKind.SPLIT_KIND_RANDOM, 0.2, 2),
                FLIGHTS, LATE)[1];

        assertEquals(4_000, first.rowCount());
        assertEquals(rowIdentities(first), rowIdentities(again));
        assertFalse(rowIdentities(first).equals(rowIdentities(other)));
    }

    @Test
    void sample_downsample_keepsEveryPositiveAndRatioOfNegatives() {
        FeatureMatrix train = matrix();
        ImbalanceSpec downsample = ImbalanceSpec.newBuilder()
                .setKind(ImbalanceKind.IMBALANCE_KIND_DOWNSAMPLE).setMajorityRatio(2).setSeed(3)
                .build();

        FeatureMatrix sampled = DataSplits.sample(downsample, train);

        assertEquals(train.positives(), sampled.positives());
        assertEquals(2 * train.positives(), sampled.rows() - sampled.positives());
        assertEquals(1.0 / 3, sampled.positiveShare(), 1e-9);
        assertArrayEquals(sampled.labels(), DataSplits.sample(downsample, train).labels());
        assertEquals(1, DataSplits.positiveWeight(downsample, sampled));
    }

    @Test
    void positiveWeight_classWeights_negativesOverPositives() {
        FeatureMatrix train = matrix();
        ImbalanceSpec weights = ImbalanceSpec.newBuilder()
                .setKind(ImbalanceKind.IMBALANCE_KIND_CLASS_WEIGHTS).build();

        double weight = DataSplits.positiveWeight(weights, train);

        assertEquals((double) (train.rows() - train.positives()) / train.positives(), weight);
        assertTrue(weight > 3 && weight < 5, "about 80 % on time: " + weight);
        assertEquals(train.rows(), DataSplits.sample(weights, train).rows());
        FeatureMatrix negativesOnly = train.select(negativeRows(train));
        JobFailedException oneClass = assertThrows(JobFailedException.class,
                () -> DataSplits.positiveWeight(weights, negativesOnly));
        assertTrue(oneClass.getMessage().contains("0 positives"), oneClass.getMessage());
    }

    @Test
    void record_flights_countsRowsAndMissingInputsAsNaN() {
        FeatureMatrix train = matrix();
        FeatureMatrix sampled = train.select(new int[] {0, 1, 2, 3});

        DataPreparation record = DataSplits.record(train, sampled, 1, List.of("distance",
                "origin_late_share"));

        assertEquals(train.rows(), record.getTrainRowsBeforeSampling());
        assertEquals(4, record.getTrainRows());
        assertEquals("NaN", record.getMissingValue());
        assertEquals(0, record.getMissingInputs(0).getMissingShare());
        assertEquals("origin_late_share", record.getMissingInputs(1).getInput());
        long firstWithoutShare = FlightsCsv.read().subList(0, 4).stream()
                .filter(flight -> Double.isNaN(flight.originLateShare())).count();
        assertEquals(firstWithoutShare / 4.0, record.getMissingInputs(1).getMissingShare(),
                "the first flights of an origin have no earlier late share");
        double fullShare = train.missingShares()[1];
        assertTrue(fullShare > 0 && fullShare < 0.1, "origins seen for the first time: "
                + fullShare);
    }

    private static FeatureMatrix matrix() {
        FeatureVectorizer vectorizer = MatrixBuilder.fit(TRANSFORMS, FLIGHTS);
        return MatrixBuilder.build(FLIGHTS, vectorizer, LATE);
    }

    private static int[] negativeRows(FeatureMatrix matrix) {
        return IntStream.range(0, matrix.rows())
                .filter(row -> matrix.labels()[row] == 0f).toArray();
    }

    private static SplitSpec split(SplitKind kind, double testFraction, long seed) {
        return SplitSpec.newBuilder().setKind(kind).setTestFraction(testFraction).setSeed(seed)
                .build();
    }

    private static double share(float[] labels) {
        double positives = 0;
        for (float label : labels) {
            positives += label;
        }
        return positives / labels.length;
    }

    /** Each row as its (distance, delay, date) text: a stand-in identity of a flight. */
    private static List<String> rowIdentities(TrainingSet set) {
        FeatureVectorizer identity = MatrixBuilder.fit(List.of(
                new FeatureTransform("distance", TransformKind.NUMERIC, "distance"),
                new FeatureTransform("delay", TransformKind.NUMERIC, "delay"),
                new FeatureTransform("hour", TransformKind.HOUR_OF_DAY, "date")), set);
        FeatureMatrix rows = MatrixBuilder.build(set, identity, LATE);
        return IntStream.range(0, rows.rows())
                .mapToObj(row -> Arrays.toString(Arrays.copyOfRange(rows.values(),
                        row * 3, row * 3 + 3)))
                .toList();
    }
}
