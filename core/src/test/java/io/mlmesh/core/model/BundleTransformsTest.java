package io.mlmesh.core.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mlmesh.core.transform.CsvRows;
import io.mlmesh.core.transform.FeatureTransform;
import io.mlmesh.core.transform.FeatureVectorizer;
import io.mlmesh.core.transform.RowView;
import io.mlmesh.core.transform.TransformKind;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The fitted state in model bundles: it survives the bundle's bytes exactly, and a bundle
 * written before the fitted transforms existed still loads and gives the vectors it gave.
 */
class BundleTransformsTest {

    private static final CsvRows FLIGHTS = CsvRows.flights();

    private static final List<FeatureTransform> FITTED = List.of(
            new FeatureTransform("hour", TransformKind.HOUR_OF_DAY, "date"),
            new FeatureTransform("distance_z", TransformKind.STANDARDIZE, "distance"),
            new FeatureTransform("distance_01", TransformKind.MIN_MAX, "distance"),
            new FeatureTransform("log_delay", TransformKind.LOG, "delay"),
            new FeatureTransform("distance_bucket", TransformKind.BUCKETIZE, "distance", 12, 0),
            new FeatureTransform("origin", TransformKind.ONE_HOT, "origin", 0, 25),
            new FeatureTransform("destination", TransformKind.INTEGER_ENCODING, "destination",
                    0, 40),
            new FeatureTransform("route_hash", TransformKind.HASHING, "origin", 97, 0),
            new FeatureTransform("origin_index", TransformKind.CATEGORY_INDEX, "origin"));

    /** The bundle and its vectors, written by the code before fitted numeric transforms. */
    private static final String OLD_BUNDLE = "/bundles/flights-bundle-v1.zip";
    private static final String OLD_VECTORS = "/bundles/flights-bundle-v1-vectors.csv";

    @Test
    void vectorizer_afterBundleRoundTrip_givesIdenticalVectorsBitForBit() {
        FeatureVectorizer fitted = FeatureVectorizer.fit(FITTED, FLIGHTS.rows(0, 15_000)
                .views());
        BundleManifest manifest = manifestOf(fitted);

        ModelBundle read = ModelBundle.fromBytes(new ModelBundle(manifest, new byte[] {7})
                .toBytes());

        FeatureVectorizer loaded = read.vectorizer();
        assertEquals(manifest, read.manifest());
        assertEquals(fitted.featureNames(), loaded.featureNames());
        assertEquals(fitted.numericFits(), loaded.numericFits());
        CsvRows later = FLIGHTS.rows(15_000, FLIGHTS.size());
        for (int i = 0; i < later.size(); i++) {
            assertArrayEquals(fitted.vectorize(later.row(i)), loaded.vectorize(later.row(i)),
                    "row " + i);
        }
    }

    @Test
    void toBytes_fittedTwice_writesTheSameBytes() {
        byte[] first = new ModelBundle(manifestOf(FeatureVectorizer.fit(FITTED,
                FLIGHTS.rows(0, 8000).views())), new byte[] {1}).toBytes();
        byte[] second = new ModelBundle(manifestOf(FeatureVectorizer.fit(FITTED,
                FLIGHTS.rows(0, 8000).views())), new byte[] {1}).toBytes();

        assertArrayEquals(first, second);
    }

    @Test
    void fromBytes_bundleWrittenBeforeFittedTransforms_givesItsOriginalVectors() {
        ModelBundle old = ModelBundle.fromBytes(resource(OLD_BUNDLE));
        FeatureVectorizer vectorizer = old.vectorizer();
        List<String> lines = new String(resource(OLD_VECTORS), StandardCharsets.UTF_8).lines()
                .filter(line -> !line.startsWith("#")).toList();

        for (String line : lines) {
            String[] fields = line.split(",");
            RowView row = FLIGHTS.row(Integer.parseInt(fields[0]) - 1);
            float[] vector = vectorizer.vectorize(row);
            assertEquals(fields.length - 1, vector.length);
            for (int i = 0; i < vector.length; i++) {
                assertEquals(Integer.parseUnsignedInt(fields[i + 1], 16),
                        Float.floatToRawIntBits(vector[i]), "row " + fields[0] + " input " + i);
            }
        }

        assertTrue(lines.size() >= 100, "vectors recorded: " + lines.size());
        assertTrue(old.manifest().numericFits().isEmpty());
    }

    @Test
    void fromBytes_bundleWrittenBeforeFittedTransforms_readsSortedVocabularyAsBefore() {
        ModelBundle old = ModelBundle.fromBytes(resource(OLD_BUNDLE));
        FeatureVectorizer vectorizer = old.vectorizer();
        List<String> origins = old.manifest().vocabularies().get("origin");

        for (int i = 0; i < 3000; i += 7) {
            RowView row = FLIGHTS.row(i);
            String origin = row.text("origin");
            int hour = Instant.ofEpochSecond(row.timeMicros("date") / 1_000_000L)
                    .atZone(ZoneOffset.UTC).getHour();
            float[] vector = vectorizer.vectorize(row);
            int index = origins.indexOf(origin);
            assertEquals(index < 0 ? Float.NaN : index, vector[4], "origin of row " + i);
            assertEquals(hour, vector[0], "hour of row " + i);
            assertEquals((float) row.number("distance"), vector[3], "distance of row " + i);
        }

        assertEquals(origins.stream().sorted().toList(), origins);
        assertEquals(7, vectorizer.width());
    }

    private static BundleManifest manifestOf(FeatureVectorizer fitted) {
        return new BundleManifest("xgboost", fitted.transforms(),
                ModelBundle.vocabulariesOf(fitted), List.of(), "delay", 15.0,
                Map.of("max_depth", "4"), fitted.numericFits());
    }

    private static byte[] resource(String path) {
        try (InputStream in = BundleTransformsTest.class.getResourceAsStream(path)) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
