package io.mlmesh.client;

import com.google.protobuf.ByteString;
import io.mlmesh.oip.ModelInferRequest;
import io.mlmesh.oip.ModelInferResponse;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * OIP {@code ModelInfer} requests for tabular models: rows of model inputs sent as one FP32
 * tensor {@code [rows, width]} named {@code input}, in {@code raw_input_contents}
 * (little-endian, as the protocol specifies), and the first output read back as floats.
 */
public final class ModelInferRows {

    private ModelInferRows() {
    }

    /**
     * A request for rows laid out row after row.
     *
     * @param version the model version, empty for the model's default (or an endpoint)
     * @param rows {@code rowCount * width} values
     */
    public static ModelInferRequest request(String model, String version, float[] rows,
            int rowCount, int width) {
        if (rows.length != rowCount * width) {
            throw new IllegalArgumentException("rows holds " + rows.length + " values, not "
                    + rowCount + " x " + width);
        }
        ByteBuffer raw = ByteBuffer.allocate(rows.length * Float.BYTES)
                .order(ByteOrder.LITTLE_ENDIAN);
        for (float value : rows) {
            raw.putFloat(value);
        }
        return ModelInferRequest.newBuilder()
                .setModelName(model)
                .setModelVersion(version)
                .addInputs(ModelInferRequest.InferInputTensor.newBuilder()
                        .setName("input")
                        .setDatatype("FP32")
                        .addShape(rowCount)
                        .addShape(width))
                .addRawInputContents(ByteString.copyFrom(raw.flip()))
                .build();
    }

    /** The first value of the first output, from raw contents or typed contents. */
    public static float firstOutput(ModelInferResponse response) {
        if (response.getRawOutputContentsCount() > 0) {
            return response.getRawOutputContents(0).asReadOnlyByteBuffer()
                    .order(ByteOrder.LITTLE_ENDIAN).getFloat(0);
        }
        return response.getOutputs(0).getContents().getFp32Contents(0);
    }
}
