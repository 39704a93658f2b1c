package io.mlmesh.training.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.Timestamp;
import io.mlmesh.core.model.ModelBundle;
import io.mlmesh.core.transform.FeatureTransform;
import io.mlmesh.core.transform.FeatureVectorizer;
import io.mlmesh.core.transform.RowView;
import io.mlmesh.core.transform.TransformKind;
import io.mlmesh.featurestore.v1.GetTrainingSetRequest;
import io.mlmesh.featurestore.v1.ViewJoin;
import io.mlmesh.inference.v1.FieldValue;
import io.mlmesh.training.FlightsCsv;
import io.mlmesh.training.registry.VersionRequests;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Offline/online parity of every transform kind: the vectors training builds from the feature
 * store's column batches ({@link MatrixBuilder}, {@link BatchRowView}) and the vectors the
 * registered bundle builds for the same flights arriving one by one as Predict fields plus
 * online features, read the way inference-svc's {@code RequestRow} reads them, are identical
 * bit for bit.
 */
class TransformParityTest {

    private static final LabelRule LATE = new LabelRule("delay", FlightsCsv.LATE_MINUTES);
    private static final List<FlightsCsv.Flight> FLIGHTS = FlightsCsv.read();

    private static final List<FeatureTransform> EVERY_KIND = List.of(
            new FeatureTransform("hour", TransformKind.HOUR_OF_DAY, "date"),
            new FeatureTransform("weekday", TransformKind.DAY_OF_WEEK, "date"),
            new FeatureTransform("month", TransformKind.MONTH, "date"),
            new FeatureTransform("distance", TransformKind.NUMERIC, "distance"),
            new FeatureTransform("origin_index", TransformKind.CATEGORY_INDEX, "origin"),
            new FeatureTransform("distance_z", TransformKind.STANDARDIZE, "distance"),
            new FeatureTransform("late_share_01", TransformKind.MIN_MAX,
                    FlightsCsv.FEATURE_COLUMN),
            new FeatureTransform("log_distance", TransformKind.LOG, "distance"),
            new FeatureTransform("distance_bucket", TransformKind.BUCKETIZE, "distance", 16, 0),
            new FeatureTransform("origin", TransformKind.ONE_HOT, "origin", 0, 30),
            new FeatureTransform("destination", TransformKind.INTEGER_ENCODING, "destination",
                    0, 50),
            new FeatureTransform("destination_hash", TransformKind.HASHING, "destination", 128,
                    0));

    @Test
    void vectorize_offlineMatrixAndOnlineRequestsThroughBundle_areIdentical() {
        TrainingSet train = FlightsCsv.trainingSet(FLIGHTS.subList(0, 14_000));
        List<FlightsCsv.Flight> later = FLIGHTS.subList(14_000, FLIGHTS.size());
        FeatureVectorizer fitted = MatrixBuilder.fit(EVERY_KIND, train);
        FeatureMatrix offline = MatrixBuilder.build(FlightsCsv.trainingSet(later), fitted, LATE);

        FeatureVectorizer served = ModelBundle.fromBytes(VersionRequests.bundle(fitted,
                request(), train, LATE, Map.of("num_round", "1"), new byte[] {1}).toBytes())
                .vectorizer();

        int width = served.width();
        assertEquals(11 + 31, width, "eleven one-input kinds and a one-hot of 30 + 1");
        int outOfVocabulary = served.featureNames().indexOf("origin=<oov>");
        int unseen = 0;
        for (int i = 0; i < later.size(); i++) {
            float[] online = served.vectorize(requestOf(later.get(i)));
            float[] expected = Arrays.copyOfRange(offline.values(), i * width, (i + 1) * width);
            assertArrayEquals(expected, online, "flight " + i);
            unseen += online[outOfVocabulary] == 1f ? 1 : 0;
        }
        assertTrue(unseen > 0, "some later flights leave from an origin outside the top 30");
    }

    @Test
    void vectorize_trainingRowsOfflineAndOnline_areIdentical() {
        List<FlightsCsv.Flight> flights = FLIGHTS.subList(0, 6000);
        TrainingSet train = FlightsCsv.trainingSet(flights);
        FeatureVectorizer fitted = MatrixBuilder.fit(EVERY_KIND, train);
        FeatureMatrix offline = MatrixBuilder.build(train, fitted, LATE);

        FeatureVectorizer served = ModelBundle.fromBytes(VersionRequests.bundle(fitted,
                request(), train, LATE, Map.of(), new byte[] {1}).toBytes()).vectorizer();

        int width = served.width();
        for (int i = 0; i < flights.size(); i++) {
            assertArrayEquals(Arrays.copyOfRange(offline.values(), i * width, (i + 1) * width),
                    served.vectorize(requestOf(flights.get(i))), "flight " + i);
        }
    }

    private static GetTrainingSetRequest request() {
        return GetTrainingSetRequest.newBuilder()
                .setSource("flights")
                .addJoins(ViewJoin.newBuilder().setView(FlightsCsv.VIEW).setEntityColumn("origin"))
                .build();
    }

    /** A flight as a Predict request: its own fields, and the view's value fetched online. */
    private static RowView requestOf(FlightsCsv.Flight flight) {
        Map<String, FieldValue> fields = Map.of(
                "date", FieldValue.newBuilder().setTime(Timestamp.newBuilder()
                        .setSeconds(Math.floorDiv(flight.timeMicros(), 1_000_000L))
                        .setNanos((int) Math.floorMod(flight.timeMicros(), 1_000_000L) * 1000))
                        .build(),
                "distance", FieldValue.newBuilder().setNumber(flight.distance()).build(),
                "origin", FieldValue.newBuilder().setText(flight.origin()).build(),
                "destination", FieldValue.newBuilder().setText(flight.destination()).build());
        return new RequestRowMirror(fields, Map.of(FlightsCsv.FEATURE_COLUMN, 0),
                new double[] {flight.originLateShare()});
    }

    /**
     * A copy of inference-svc's {@code RequestRow} (package-private there, and inference-svc
     * is not a dependency of training-svc): online feature columns read the fetched values by
     * slot, every other column the request field of its name, an absent field or one of
     * another kind reads as missing.
     */
    private record RequestRowMirror(Map<String, FieldValue> fields,
            Map<String, Integer> onlineSlots, double[] onlineValues) implements RowView {

        @Override
        public double number(String column) {
            Integer slot = onlineSlots.get(column);
            if (slot != null) {
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

            return value.getTime().getSeconds() * 1_000_000L
                    + value.getTime().getNanos() / 1_000L;
        }
    }
}
