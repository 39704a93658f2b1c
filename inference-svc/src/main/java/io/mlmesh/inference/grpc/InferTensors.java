package io.mlmesh.inference.grpc;

import com.google.protobuf.ByteString;
import io.mlmesh.inference.InferenceException;
import io.mlmesh.oip.InferTensorContents;
import io.mlmesh.oip.ModelInferRequest;
import io.mlmesh.oip.ModelInferRequest.InferInputTensor;
import io.mlmesh.oip.ModelInferResponse;
import io.mlmesh.oip.ModelInferResponse.InferOutputTensor;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;

/**
 * Open Inference Protocol tensors in and out of mlmesh models. A model takes one FP32 input
 * {@code [N, width]} (batch first, row-major) and answers one FP32 output
 * {@code probability [N, 1]}; any numeric datatype is accepted and converted to FP32. The
 * answer takes the form the question came in (typed contents or raw bytes).
 *
 * <p>Validation comes first and is complete before a value is copied, so a malformed request
 * costs no more than its parsing. Every input, whatever the model, is checked for a known
 * datatype, a shape whose element count fits, values in exactly one form (typed or raw, never
 * both), a typed field matching the datatype and holding exactly the element count, and raw
 * bytes of exactly datatype size times count. Raw BYTES elements are walked by their 4-byte
 * little-endian length prefixes, each checked against the bytes that remain, before anything is
 * expanded. Only then does the model's own contract apply (one numeric input of its width).
 * Each message names the input, what was expected and what arrived.
 */
final class InferTensors {

    static final String OUTPUT_NAME = "probability";
    static final String OUTPUT_DATATYPE = "FP32";

    private static final int LENGTH_PREFIX_BYTES = Integer.BYTES;
    private static final long MAX_ELEMENTS = Integer.MAX_VALUE / Long.BYTES;

    /**
     * A decoded input batch.
     *
     * @param values {@code rows * width} values, row after row
     * @param rows the batch size
     * @param raw whether the input came as raw bytes
     */
    record Batch(float[] values, int rows, boolean raw) {
    }

    private InferTensors() {
    }

    /**
     * The request's input batch for a model of {@code width} inputs.
     *
     * @param model names the model version in messages
     * @throws InferenceException INVALID_ARGUMENT naming the input and the mismatch
     */
    static Batch decode(ModelInferRequest request, int width, String model) {
        checkRawEntries(request);
        long[] counts = new long[request.getInputsCount()];
        for (int i = 0; i < counts.length; i++) {
            counts[i] = checkInput(request.getInputs(i), rawOf(request, i));
        }
        checkOutputs(request);
        if (request.getInputsCount() != 1) {
            throw InferenceException.invalid(model + " takes exactly 1 input tensor, got "
                    + request.getInputsCount());
        }

        InferInputTensor input = request.getInputs(0);
        Datatype datatype = checkModelInput(input, width, model);
        ByteString raw = rawOf(request, 0);
        int count = (int) counts[0];
        float[] values = raw == null
                ? datatype.toFloats(input.getContents(), count, input.getName())
                : datatype.toFloats(raw.asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN),
                        count, input.getName());
        return new Batch(values, (int) input.getShape(0), raw != null);
    }

    /** Adds the {@code probability} output, in the form the input came in. */
    static void encode(float[] scores, boolean raw, ModelInferResponse.Builder response) {
        InferOutputTensor.Builder output = InferOutputTensor.newBuilder()
                .setName(OUTPUT_NAME)
                .setDatatype(OUTPUT_DATATYPE)
                .addShape(scores.length)
                .addShape(1);
        if (raw) {
            ByteBuffer bytes = ByteBuffer.allocate(scores.length * Float.BYTES)
                    .order(ByteOrder.LITTLE_ENDIAN);
            bytes.asFloatBuffer().put(scores);
            response.addOutputs(output).addRawOutputContents(ByteString.copyFrom(bytes));
            return;
        }

        InferTensorContents.Builder contents = InferTensorContents.newBuilder();
        for (float score : scores) {
            contents.addFp32Contents(score);
        }
        response.addOutputs(output.setContents(contents));
    }

    private static void checkRawEntries(ModelInferRequest request) {
        int raw = request.getRawInputContentsCount();
        if (raw > 0 && raw != request.getInputsCount()) {
            throw InferenceException.invalid("raw_input_contents has " + raw + " entries for "
                    + request.getInputsCount() + " inputs; send one per input or none");
        }
    }

    private static ByteString rawOf(ModelInferRequest request, int index) {
        return request.getRawInputContentsCount() == 0 ? null
                : request.getRawInputContents(index);
    }

    /** Checks one input against the protocol alone; returns its element count. */
    private static long checkInput(InferInputTensor input, ByteString raw) {
        Datatype datatype = Datatype.of(input.getDatatype(), input.getName());
        long count = elementCount(input);
        if (raw != null && input.hasContents()) {
            throw InferenceException.invalid("input '" + input.getName()
                    + "': set either contents or raw_input_contents, not both");
        }
        if (raw == null) {
            checkContents(input, datatype, count);
        } else if (datatype == Datatype.BYTES) {
            checkLengthPrefixes(input, raw, count);
        } else {
            checkRawSize(input, datatype, raw, count);
        }
        return count;
    }

    private static long elementCount(InferInputTensor input) {
        List<Long> shape = input.getShapeList();
        long count = 1;
        for (long dimension : shape) {
            if (dimension < 0) {
                throw InferenceException.invalid("input '" + input.getName() + "': shape "
                        + shape + " has a negative dimension");
            }
            if (dimension > 0 && count > MAX_ELEMENTS / dimension) {
                throw InferenceException.invalid("input '" + input.getName() + "': shape "
                        + shape + " exceeds " + MAX_ELEMENTS + " elements");
            }
            count *= dimension;
        }
        return count;
    }

    private static void checkContents(InferInputTensor input, Datatype datatype, long count) {
        String prefix = "input '" + input.getName() + "': ";
        if (datatype.contentsField() == null) {
            throw InferenceException.invalid(prefix + datatype
                    + " has no contents field; send it in raw_input_contents");
        }
        int[] counts = Datatype.contentsCounts(input.getContents());
        int matching = 0;
        for (int field = 0; field < counts.length; field++) {
            String name = Datatype.CONTENTS_FIELDS[field];
            if (name.equals(datatype.contentsField())) {
                matching = counts[field];
            } else if (counts[field] > 0) {
                throw InferenceException.invalid(prefix + "datatype " + datatype + " takes "
                        + datatype.contentsField() + ", got values in " + name);
            }
        }
        if (matching != count) {
            throw InferenceException.invalid(prefix + "shape " + input.getShapeList()
                    + " needs " + count + " " + datatype + " values, got " + matching + " in "
                    + datatype.contentsField());
        }
    }

    private static void checkRawSize(InferInputTensor input, Datatype datatype, ByteString raw,
            long count) {
        long expected = count * datatype.byteSize();
        if (raw.size() != expected) {
            throw InferenceException.invalid("input '" + input.getName() + "': shape "
                    + input.getShapeList() + " needs " + expected + " raw bytes (" + count + " "
                    + datatype + " values of " + datatype.byteSize() + " bytes), got "
                    + raw.size());
        }
    }

    /** Walks raw BYTES elements by their length prefixes without copying any. */
    private static void checkLengthPrefixes(InferInputTensor input, ByteString raw, long count) {
        String prefix = "input '" + input.getName() + "': raw BYTES ";
        ByteBuffer bytes = raw.asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
        long elements = 0;
        while (bytes.hasRemaining()) {
            if (elements == count) {
                throw InferenceException.invalid(prefix + "has " + bytes.remaining()
                        + " bytes after the " + count + " elements its shape declares");
            }
            if (bytes.remaining() < LENGTH_PREFIX_BYTES) {
                throw InferenceException.invalid(prefix + "element " + elements
                        + " has a truncated 4-byte length prefix (" + bytes.remaining()
                        + " bytes left)");
            }
            long length = Integer.toUnsignedLong(bytes.getInt());
            if (length > bytes.remaining()) {
                throw InferenceException.invalid(prefix + "element " + elements + " declares "
                        + length + " bytes but only " + bytes.remaining() + " remain");
            }
            bytes.position(bytes.position() + (int) length);
            elements++;
        }
        if (elements != count) {
            throw InferenceException.invalid(prefix + "holds " + elements
                    + " elements; shape " + input.getShapeList() + " declares " + count);
        }
    }

    /** The model's own contract: one numeric input {@code [N >= 1, width]}. */
    private static Datatype checkModelInput(InferInputTensor input, int width, String model) {
        Datatype datatype = Datatype.of(input.getDatatype(), input.getName());
        String prefix = "input '" + input.getName() + "': ";
        if (!datatype.isNumeric()) {
            throw InferenceException.invalid(prefix + "datatype BYTES cannot feed " + model
                    + ", whose input is numeric (FP32 [-1, " + width + "]); send a numeric"
                    + " datatype");
        }
        List<Long> shape = input.getShapeList();
        if (shape.size() != 2 || shape.get(0) < 1 || shape.get(1) < 1) {
            throw InferenceException.invalid(prefix + "shape " + shape
                    + " must be [batch, inputs] with both at least 1");
        }
        if (shape.get(1) != width) {
            throw InferenceException.invalid(prefix + "width " + shape.get(1)
                    + " does not match the " + width + " inputs of " + model);
        }
        return datatype;
    }

    private static void checkOutputs(ModelInferRequest request) {
        for (ModelInferRequest.InferRequestedOutputTensor output : request.getOutputsList()) {
            if (!OUTPUT_NAME.equals(output.getName())) {
                throw InferenceException.invalid("output '" + output.getName()
                        + "' does not exist; the model's output is '" + OUTPUT_NAME + "'");
            }
        }
    }
}
