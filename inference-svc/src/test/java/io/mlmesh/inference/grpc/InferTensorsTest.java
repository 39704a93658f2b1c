package io.mlmesh.inference.grpc;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.mlmesh.inference.InferenceException;
import io.mlmesh.oip.InferTensorContents;
import io.mlmesh.oip.ModelInferRequest;
import io.mlmesh.oip.ModelInferRequest.InferInputTensor;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * Every Open Inference Protocol datatype, typed and raw, into a model of two FP32 inputs:
 * conversions, and the refusals that must come before any value is copied.
 */
class InferTensorsTest {

    private static final String MODEL = "model 'm' version 1";
    private static final float[] EXPECTED = {1, 0, 2, 1};

    @Test
    void decode_typedContentsOfEveryNumericDatatype_convertedToFp32() {
        assertTyped("BOOL", c -> c.addBoolContents(true).addBoolContents(false)
                .addBoolContents(true).addBoolContents(true), new float[] {1, 0, 1, 1});
        for (String datatype : new String[] {"INT8", "INT16", "INT32"}) {
            assertTyped(datatype, c -> c.addIntContents(1).addIntContents(0).addIntContents(2)
                    .addIntContents(1), EXPECTED);
        }
        for (String datatype : new String[] {"UINT8", "UINT16", "UINT32"}) {
            assertTyped(datatype, c -> c.addUintContents(1).addUintContents(0)
                    .addUintContents(2).addUintContents(1), EXPECTED);
        }
        assertTyped("INT64", c -> c.addInt64Contents(1).addInt64Contents(0)
                .addInt64Contents(2).addInt64Contents(1), EXPECTED);
        assertTyped("UINT64", c -> c.addUint64Contents(1).addUint64Contents(0)
                .addUint64Contents(2).addUint64Contents(-1), new float[] {1, 0, 2, 0x1p64f});
        assertTyped("FP64", c -> c.addFp64Contents(1).addFp64Contents(0).addFp64Contents(2)
                .addFp64Contents(1), EXPECTED);
        assertTyped("FP32", c -> c.addFp32Contents(1).addFp32Contents(0).addFp32Contents(2)
                .addFp32Contents(1), EXPECTED);
    }

    @Test
    void decode_rawBytesOfEveryNumericDatatype_convertedToFp32() {
        assertRaw("BOOL", 1, (b, v) -> b.put((byte) Math.min(v, 1)),
                new float[] {1, 0, 1, 1});
        assertRaw("INT8", 1, (b, v) -> b.put((byte) v), EXPECTED);
        assertRaw("UINT8", 1, (b, v) -> b.put((byte) v), EXPECTED);
        assertRaw("INT16", 2, (b, v) -> b.putShort((short) v), EXPECTED);
        assertRaw("UINT16", 2, (b, v) -> b.putShort((short) v), EXPECTED);
        assertRaw("INT32", 4, ByteBuffer::putInt, EXPECTED);
        assertRaw("UINT32", 4, ByteBuffer::putInt, EXPECTED);
        assertRaw("INT64", 8, ByteBuffer::putLong, EXPECTED);
        assertRaw("UINT64", 8, ByteBuffer::putLong, EXPECTED);
        assertRaw("FP32", 4, (b, v) -> b.putFloat(v), EXPECTED);
        assertRaw("FP64", 8, (b, v) -> b.putDouble(v), EXPECTED);
        assertRaw("FP16", 2, (b, v) -> b.putShort((short) (v == 0 ? 0 : v == 1 ? 0x3C00
                : 0x4000)), EXPECTED);
    }

    @Test
    void halfToFloat_specialValues_exact() {
        assertEquals(65504f, Datatype.halfToFloat((short) 0x7BFF));
        assertEquals(-2f, Datatype.halfToFloat((short) 0xC000));
        assertEquals(0x1p-24f, Datatype.halfToFloat((short) 0x0001));
        assertEquals(Float.NEGATIVE_INFINITY, Datatype.halfToFloat((short) 0xFC00));
        assertTrue(Float.isNaN(Datatype.halfToFloat((short) 0x7E00)));
    }

    @Test
    void decode_contentsInTheWrongField_invalidNamingBothFields() {
        assertRefused(request("INT64", typed(c -> c.addFp32Contents(1).addFp32Contents(0)
                .addFp32Contents(2).addFp32Contents(1))),
                "input 'input': datatype INT64 takes int64_contents, got values in"
                        + " fp32_contents");
        assertRefused(request("FP16", typed(c -> c.addFp32Contents(1))),
                "input 'input': FP16 has no contents field; send it in raw_input_contents");
    }

    @Test
    void decode_narrowIntegerOutOfRange_invalidNamingElementAndType() {
        assertRefused(request("INT8", typed(c -> c.addIntContents(1).addIntContents(200)
                .addIntContents(2).addIntContents(1))),
                "input 'input': element 1 value 200 is out of range for INT8");
        assertRefused(request("UINT16", typed(c -> c.addUintContents(70000).addUintContents(0)
                .addUintContents(2).addUintContents(1))),
                "input 'input': element 0 value 70000 is out of range for UINT16");
    }

    @Test
    void decode_rawSizeNotDatatypeTimesCount_invalidWithBothSizes() {
        assertRefused(request("FP64", null).addRawInputContents(ByteString.copyFrom(
                new byte[31])),
                "input 'input': shape [2, 2] needs 32 raw bytes (4 FP64 values of 8 bytes),"
                        + " got 31");
    }

    @Test
    void decode_bytesLengthPrefixes_checkedBeforeExpanding() {
        assertRefused(bytesRequest(prefixed(3, "abc", 2, "de", 1, "f", 99, "")),
                "input 'input': raw BYTES element 3 declares 99 bytes but only 0 remain");
        assertRefused(bytesRequest(prefixed(3, "abc", 2, "de", 1, "f").concat(
                ByteString.copyFrom(new byte[] {1, 0}))),
                "input 'input': raw BYTES element 3 has a truncated 4-byte length prefix"
                        + " (2 bytes left)");
        assertRefused(bytesRequest(prefixed(1, "a", 1, "b", 1, "c", 1, "d", 1, "e")),
                "input 'input': raw BYTES has 5 bytes after the 4 elements its shape declares");
        assertRefused(bytesRequest(prefixed(1, "a", 1, "b")),
                "input 'input': raw BYTES holds 2 elements; shape [2, 2] declares 4");
        assertRefused(bytesRequest(prefixed(-1, "")),
                "input 'input': raw BYTES element 0 declares 4294967295 bytes but only 0"
                        + " remain");
    }

    @Test
    void decode_wellFormedBytesForNumericModel_invalidExplainingTheModelInput() {
        assertRefused(bytesRequest(prefixed(1, "a", 1, "b", 1, "c", 1, "d")),
                "input 'input': datatype BYTES cannot feed model 'm' version 1, whose input is"
                        + " numeric (FP32 [-1, 2]); send a numeric datatype");
        assertRefused(request("BYTES", typed(c -> c.addBytesContents(ByteString.EMPTY))),
                "input 'input': shape [2, 2] needs 4 BYTES values, got 1 in bytes_contents");
    }

    @Test
    void decode_shapeAndDatatypeProblems_invalidNamingThem() {
        assertRefused(request("FP17", null), "input 'input': datatype 'FP17' is not an Open"
                + " Inference Protocol datatype; expected one of [BOOL, UINT8,");
        assertRefused(ModelInferRequest.newBuilder().addInputs(InferInputTensor.newBuilder()
                .setName("input").setDatatype("FP32").addShape(-1).addShape(2)),
                "input 'input': shape [-1, 2] has a negative dimension");
        assertRefused(ModelInferRequest.newBuilder().addInputs(InferInputTensor.newBuilder()
                .setName("input").setDatatype("FP32").addShape(1L << 40).addShape(1L << 40)),
                "input 'input': shape [1099511627776, 1099511627776] exceeds 268435455"
                        + " elements");
        assertRefused(request("FP32", null).addRawInputContents(ByteString.EMPTY)
                .addRawInputContents(ByteString.EMPTY),
                "raw_input_contents has 2 entries for 1 inputs; send one per input or none");
    }

    private static void assertTyped(String datatype, Consumer<InferTensorContents.Builder> fill,
            float[] expected) {
        InferTensors.Batch batch = InferTensors.decode(request(datatype, typed(fill)).build(),
                2, MODEL);

        assertArrayEquals(expected, batch.values(), datatype);
        assertEquals(2, batch.rows());
    }

    /** Writes EXPECTED's values with {@code put}; the decoded batch must equal expected. */
    private static void assertRaw(String datatype, int size, RawWriter put,
            float[] expected) {
        ByteBuffer bytes = ByteBuffer.allocate(EXPECTED.length * size)
                .order(ByteOrder.LITTLE_ENDIAN);
        for (float value : EXPECTED) {
            put.write(bytes, (int) value);
        }
        ModelInferRequest request = request(datatype, null)
                .addRawInputContents(ByteString.copyFrom(bytes.array())).build();

        InferTensors.Batch batch = InferTensors.decode(request, 2, MODEL);

        assertArrayEquals(expected, batch.values(), datatype);
        assertTrue(batch.raw());
    }

    private static void assertRefused(ModelInferRequest.Builder request, String message) {
        InferenceException refused = assertThrows(InferenceException.class,
                () -> InferTensors.decode(request.build(), 2, MODEL));

        assertEquals(InferenceException.Reason.INVALID_ARGUMENT, refused.reason());
        assertTrue(refused.getMessage().startsWith(message), refused.getMessage());
    }

    private static InferTensorContents typed(Consumer<InferTensorContents.Builder> fill) {
        InferTensorContents.Builder contents = InferTensorContents.newBuilder();
        fill.accept(contents);
        return contents.build();
    }

    /** A [2, 2] input of the datatype, with typed contents unless null. */
    private static ModelInferRequest.Builder request(String datatype,
            InferTensorContents contents) {
        InferInputTensor.Builder input = InferInputTensor.newBuilder().setName("input")
                .setDatatype(datatype).addShape(2).addShape(2);
        if (contents != null) {
            input.setContents(contents);
        }
        return ModelInferRequest.newBuilder().setModelName("m").addInputs(input);
    }

    private static ModelInferRequest.Builder bytesRequest(ByteString raw) {
        return request("BYTES", null).addRawInputContents(raw);
    }

    /** Raw BYTES: pairs of (declared length, text). */
    private static ByteString prefixed(Object... lengthsAndTexts) {
        ByteString.Output out = ByteString.newOutput();
        for (int i = 0; i < lengthsAndTexts.length; i += 2) {
            ByteBuffer prefix = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN)
                    .putInt((Integer) lengthsAndTexts[i]);
            out.write(prefix.array(), 0, 4);
            byte[] text = ((String) lengthsAndTexts[i + 1]).getBytes();
            out.write(text, 0, text.length);
        }
        return out.toByteString();
    }

    @FunctionalInterface
    private interface RawWriter {
        void write(ByteBuffer buffer, int value);
    }
}
