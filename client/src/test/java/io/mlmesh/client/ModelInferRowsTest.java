package io.mlmesh.client;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.mlmesh.oip.InferTensorContents;
import io.mlmesh.oip.ModelInferRequest;
import io.mlmesh.oip.ModelInferResponse;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import org.junit.jupiter.api.Test;

class ModelInferRowsTest {

    @Test
    void request_twoRows_fp32TensorWithLittleEndianRawBytes() {
        float[] rows = {1.5f, Float.NaN, -2f, 3.25f, 0f, 7f};

        ModelInferRequest request = ModelInferRows.request("flights", "3", rows, 2, 3);

        assertEquals("flights", request.getModelName());
        assertEquals("3", request.getModelVersion());
        ModelInferRequest.InferInputTensor input = request.getInputs(0);
        assertEquals("input", input.getName());
        assertEquals("FP32", input.getDatatype());
        assertEquals(List.of(2L, 3L), input.getShapeList());
        ByteBuffer raw = request.getRawInputContents(0).asReadOnlyByteBuffer()
                .order(ByteOrder.LITTLE_ENDIAN);
        float[] decoded = new float[rows.length];
        raw.asFloatBuffer().get(decoded);
        assertArrayEquals(rows, decoded);
        assertEquals(rows.length * Float.BYTES, request.getRawInputContents(0).size());
    }

    @Test
    void request_valuesNotRowsTimesWidth_refusedNamingTheSizes() {
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                () -> ModelInferRows.request("flights", "", new float[5], 2, 3));

        assertTrue(refused.getMessage().contains("5 values, not 2 x 3"), refused.getMessage());
    }

    @Test
    void firstOutput_rawOrTypedContents_sameValue() {
        ByteBuffer raw = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN)
                .putFloat(0.625f).putFloat(0.5f);
        ModelInferResponse rawResponse = ModelInferResponse.newBuilder()
                .addRawOutputContents(ByteString.copyFrom(raw.flip())).build();
        ModelInferResponse typedResponse = ModelInferResponse.newBuilder()
                .addOutputs(ModelInferResponse.InferOutputTensor.newBuilder()
                        .setContents(InferTensorContents.newBuilder()
                                .addFp32Contents(0.625f).addFp32Contents(0.5f)))
                .build();

        assertEquals(0.625f, ModelInferRows.firstOutput(rawResponse));
        assertEquals(0.625f, ModelInferRows.firstOutput(typedResponse));
    }
}
