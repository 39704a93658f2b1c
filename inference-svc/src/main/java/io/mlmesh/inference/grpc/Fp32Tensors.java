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
 * The Open Inference Protocol tensor layout of mlmesh models: one FP32 input {@code [N, width]}
 * (batch first, row-major) and one FP32 output {@code probability [N, 1]}, each either typed
 * ({@code contents.fp32_contents}) or raw little-endian bytes. The answer takes the form the
 * question came in.
 *
 * <p>Every check runs before any value is copied, so a malformed request costs no more than its
 * parsing, and each message names the input, what was expected and what arrived.
 */
final class Fp32Tensors {

    static final String DATATYPE = "FP32";
    static final String OUTPUT_NAME = "probability";

    private static final int FLOAT_BYTES = Float.BYTES;
    private static final long MAX_VALUES = Integer.MAX_VALUE / FLOAT_BYTES;

    /**
     * A decoded input batch.
     *
     * @param values {@code rows * width} values, row after row
     * @param rows the batch size
     * @param raw whether the input came as raw bytes
     */
    record Batch(float[] values, int rows, boolean raw) {
    }

    private Fp32Tensors() {
    }

    /**
     * The request's input batch for a model of {@code width} inputs.
     *
     * @param model names the model version in messages
     * @throws InferenceException INVALID_ARGUMENT naming the input and the mismatch
     */
    static Batch decode(ModelInferRequest request, int width, String model) {
        if (request.getInputsCount() != 1) {
            throw InferenceException.invalid("ModelInfer takes exactly 1 input tensor, got "
                    + request.getInputsCount());
        }
        InferInputTensor input = request.getInputs(0);
        checkDatatype(input);
        boolean raw = checkForm(request, input);
        int values = checkCount(input, raw ? request.getRawInputContents(0) : null);
        checkWidth(input, width, model);
        checkOutputs(request);

        float[] batch = new float[values];
        if (raw) {
            request.getRawInputContents(0).asReadOnlyByteBuffer()
                    .order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(batch);
        } else {
            for (int i = 0; i < values; i++) {
                batch[i] = input.getContents().getFp32Contents(i);
            }
        }
        return new Batch(batch, (int) input.getShape(0), raw);
    }

    /** Adds the {@code probability} output, in the form the input came in. */
    static void encode(float[] scores, boolean raw, ModelInferResponse.Builder response) {
        InferOutputTensor.Builder output = InferOutputTensor.newBuilder()
                .setName(OUTPUT_NAME)
                .setDatatype(DATATYPE)
                .addShape(scores.length)
                .addShape(1);
        if (raw) {
            ByteBuffer bytes = ByteBuffer.allocate(scores.length * FLOAT_BYTES)
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

    private static void checkDatatype(InferInputTensor input) {
        if (!DATATYPE.equals(input.getDatatype())) {
            throw InferenceException.invalid("input '" + input.getName() + "': datatype '"
                    + input.getDatatype() + "' is not supported; expected " + DATATYPE);
        }
    }

    /** Whether the values come raw; refuses both forms at once. */
    private static boolean checkForm(ModelInferRequest request, InferInputTensor input) {
        boolean raw = request.getRawInputContentsCount() > 0;
        if (raw && input.hasContents()) {
            throw InferenceException.invalid("input '" + input.getName()
                    + "': set either contents or raw_input_contents, not both");
        }
        if (raw && request.getRawInputContentsCount() != 1) {
            throw InferenceException.invalid("raw_input_contents has "
                    + request.getRawInputContentsCount() + " entries for 1 input");
        }
        return raw;
    }

    /** The element count the shape declares, checked against what arrived. */
    private static int checkCount(InferInputTensor input, ByteString rawBytes) {
        List<Long> shape = input.getShapeList();
        if (shape.size() != 2 || shape.get(0) < 1 || shape.get(1) < 1) {
            throw InferenceException.invalid("input '" + input.getName() + "': shape " + shape
                    + " must be [batch, inputs] with both at least 1");
        }
        if (shape.get(0) > MAX_VALUES || shape.get(1) > MAX_VALUES
                || shape.get(0) * shape.get(1) > MAX_VALUES) {
            throw InferenceException.invalid("input '" + input.getName() + "': shape " + shape
                    + " exceeds " + MAX_VALUES + " values");
        }

        int expected = (int) (shape.get(0) * shape.get(1));
        if (rawBytes == null && input.getContents().getFp32ContentsCount() != expected) {
            throw InferenceException.invalid("input '" + input.getName() + "': shape " + shape
                    + " needs " + expected + " FP32 values, got "
                    + input.getContents().getFp32ContentsCount());
        }
        if (rawBytes != null && rawBytes.size() != (long) expected * FLOAT_BYTES) {
            throw InferenceException.invalid("input '" + input.getName() + "': shape " + shape
                    + " needs " + (long) expected * FLOAT_BYTES + " raw bytes (" + expected
                    + " FP32 values), got " + rawBytes.size());
        }
        return expected;
    }

    private static void checkWidth(InferInputTensor input, int width, String model) {
        if (input.getShape(1) != width) {
            throw InferenceException.invalid("input '" + input.getName() + "': width "
                    + input.getShape(1) + " does not match the " + width + " inputs of "
                    + model);
        }
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
