package io.mlmesh.core.model;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.mlmesh.core.drift.ModelReference;
import io.mlmesh.core.transform.FeatureTransform;
import io.mlmesh.core.transform.FeatureVectorizer;
import io.mlmesh.core.transform.TransformKind;
import io.mlmesh.core.transform.Vocabulary;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;

/**
 * A trained model as one artifact: a zip holding {@code manifest.json} and the engine's model
 * bytes ({@code model.bin}). One file means one SHA-256 in the registry covers both, so a
 * manifest can never be paired with the wrong weights. Map entries are written in key order,
 * so the same fitted state always gives the same manifest bytes.
 *
 * <p>A bundle may also hold {@code reference.json}, the drift reference of the model (its
 * training rows' column profiles and its test scores' profile), which the monitor reads and
 * serving ignores. Bundles without it stay valid.
 *
 * @param manifest how to build the model's input vector
 * @param modelBytes the engine's serialized model (for XGBoost, its UBJ or JSON form)
 * @param reference the drift reference, or null when the bundle has none
 */
public record ModelBundle(BundleManifest manifest, byte[] modelBytes, ModelReference reference) {

    /** The registry's artifact format name for bundles. */
    public static final String FORMAT = "mlmesh-bundle-v1";

    private static final String MANIFEST_ENTRY = "manifest.json";
    private static final String MODEL_ENTRY = "model.bin";
    private static final String REFERENCE_ENTRY = "reference.json";
    private static final ObjectMapper JSON = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false)
            .configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true);

    /** A bundle without a drift reference. */
    public ModelBundle(BundleManifest manifest, byte[] modelBytes) {
        this(manifest, modelBytes, null);
    }

    /** The zip bytes of this bundle. */
    public byte[] toBytes() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(modelBytes.length + 4096);
        try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
            zip.putNextEntry(new ZipEntry(MANIFEST_ENTRY));
            zip.write(JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(manifest));
            zip.closeEntry();
            zip.putNextEntry(new ZipEntry(MODEL_ENTRY));
            zip.write(modelBytes);
            zip.closeEntry();
            if (reference != null) {
                zip.putNextEntry(new ZipEntry(REFERENCE_ENTRY));
                zip.write(reference.toJson());
                zip.closeEntry();
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write model bundle", e);
        }
        return bytes.toByteArray();
    }

    /**
     * Reads a bundle from its zip bytes.
     *
     * @throws IllegalArgumentException when the bytes are not a complete bundle
     */
    public static ModelBundle fromBytes(byte[] zipBytes) {
        BundleManifest manifest = null;
        byte[] model = null;
        ModelReference reference = null;
        try (ZipInputStream zip = new ZipInputStream(new ByteArrayInputStream(zipBytes))) {
            for (ZipEntry entry = zip.getNextEntry(); entry != null; entry = zip.getNextEntry()) {
                byte[] content = zip.readAllBytes();
                if (MANIFEST_ENTRY.equals(entry.getName())) {
                    manifest = JSON.readValue(content, BundleManifest.class);
                } else if (MODEL_ENTRY.equals(entry.getName())) {
                    model = content;
                } else if (REFERENCE_ENTRY.equals(entry.getName())) {
                    reference = ModelReference.fromJson(content);
                }
            }
        } catch (IOException e) {
            throw new IllegalArgumentException("model bundle is not a readable zip", e);
        }
        if (manifest == null || model == null) {
            throw new IllegalArgumentException(
                    "model bundle lacks " + (manifest == null ? MANIFEST_ENTRY : MODEL_ENTRY));
        }
        return new ModelBundle(manifest, model, reference);
    }

    /**
     * The vectorizer that turns rows into this model's inputs. A category index's vocabulary
     * is sorted as it always was; the ranked vocabularies of one-hot and integer encodings keep
     * the order the bundle stores.
     *
     * @throws IllegalArgumentException when the manifest's fitted state does not fit its
     *     transforms
     */
    public FeatureVectorizer vectorizer() {
        Map<String, TransformKind> kindByName = new HashMap<>();
        for (FeatureTransform transform : manifest.transforms()) {
            kindByName.put(transform.name(), transform.kind());
        }
        Map<String, Vocabulary> vocabularies = new HashMap<>();
        manifest.vocabularies().forEach((name, values) -> vocabularies.put(name,
                keepsOrder(kindByName.get(name)) ? Vocabulary.ordered(values)
                        : Vocabulary.of(values)));
        return new FeatureVectorizer(manifest.transforms(), vocabularies,
                manifest.numericFits());
    }

    private static boolean keepsOrder(TransformKind kind) {
        return kind == TransformKind.ONE_HOT || kind == TransformKind.INTEGER_ENCODING;
    }

    /** The manifest vocabularies of a fitted vectorizer, in the form bundles store. */
    public static Map<String, List<String>> vocabulariesOf(
            FeatureVectorizer vectorizer) {
        Map<String, List<String>> values = new HashMap<>();
        vectorizer.vocabularies().forEach((name, vocabulary) ->
                values.put(name, vocabulary.values()));
        return values;
    }
}
