package io.mlmesh.inference.model;

import io.mlmesh.inference.InferenceException;
import io.mlmesh.registry.v1.ArtifactChunk;
import io.mlmesh.registry.v1.ArtifactInfo;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Iterator;

/**
 * Receives a streamed artifact and proves it is the one the registry described before any
 * parser sees a byte: exactly the declared size and the declared SHA-256. Bytes beyond the
 * declared size stop the transfer at once, so a wrong stream cannot grow memory without bound.
 */
final class ArtifactReceiver {

    private static final int MAX_ARTIFACT_BYTES = Integer.MAX_VALUE - 8;

    private ArtifactReceiver() {
    }

    /**
     * The artifact's bytes, verified.
     *
     * @param chunks the download stream; its first chunk carries size and digest
     * @param expected the artifact as the version's metadata describes it
     * @param label names the model version in messages, for example {@code model 'm' version 2}
     * @throws InferenceException FAILED_PRECONDITION when anything does not match
     */
    static byte[] receive(Iterator<ArtifactChunk> chunks, ArtifactInfo expected, String label) {
        checkDeclared(expected, label);
        byte[] artifact = new byte[(int) expected.getSizeBytes()];
        MessageDigest digest = sha256();
        int received = 0;
        boolean first = true;
        while (chunks.hasNext()) {
            ArtifactChunk chunk = chunks.next();
            if (first) {
                checkFirstChunk(chunk, expected, label);
                first = false;
            }
            int length = chunk.getData().size();
            if (length > artifact.length - received) {
                throw InferenceException.failedPrecondition("artifact of " + label
                        + " is longer than the declared " + artifact.length + " bytes");
            }
            chunk.getData().copyTo(artifact, received);
            digest.update(artifact, received, length);
            received += length;
        }

        checkDigest(expected, label, received, HexFormat.of().formatHex(digest.digest()));
        return artifact;
    }

    private static void checkDeclared(ArtifactInfo expected, String label) {
        if (expected.getSha256().isEmpty()) {
            throw InferenceException.failedPrecondition(
                    "registry gives no sha256 for the artifact of " + label);
        }
        if (expected.getSizeBytes() < 0 || expected.getSizeBytes() > MAX_ARTIFACT_BYTES) {
            throw InferenceException.failedPrecondition("artifact of " + label + " declares "
                    + expected.getSizeBytes() + " bytes; at most " + MAX_ARTIFACT_BYTES
                    + " are supported");
        }
    }

    private static void checkFirstChunk(ArtifactChunk chunk, ArtifactInfo expected,
            String label) {
        ArtifactInfo declared = chunk.getArtifact();
        if (!declared.getSha256().equalsIgnoreCase(expected.getSha256())
                || declared.getSizeBytes() != expected.getSizeBytes()) {
            throw InferenceException.failedPrecondition("registry describes the artifact of "
                    + label + " two ways: version metadata says " + expected.getSizeBytes()
                    + " bytes with sha256 " + expected.getSha256() + ", download says "
                    + declared.getSizeBytes() + " bytes with sha256 " + declared.getSha256());
        }
    }

    private static void checkDigest(ArtifactInfo expected, String label, int receivedBytes,
            String actualSha256) {
        if (receivedBytes == expected.getSizeBytes()
                && actualSha256.equalsIgnoreCase(expected.getSha256())) {
            return;
        }
        throw InferenceException.failedPrecondition("artifact of " + label
                + " failed verification: expected " + expected.getSizeBytes()
                + " bytes with sha256 " + expected.getSha256() + ", received " + receivedBytes
                + " bytes with sha256 " + actualSha256);
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime provides SHA-256", e);
        }
    }
}
