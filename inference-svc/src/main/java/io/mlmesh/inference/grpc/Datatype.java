package io.mlmesh.inference.grpc;

import io.mlmesh.inference.InferenceException;
import io.mlmesh.oip.InferTensorContents;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * The Open Inference Protocol's tensor datatypes: each one's size in raw form, the
 * {@code InferTensorContents} field that carries it typed, and its conversion to the FP32 values
 * mlmesh models take.
 *
 * <p>Typed INT8, INT16, UINT8 and UINT16 values travel in 32-bit fields, so each is checked
 * against its type's range. FP16 has no typed field in the protocol: it travels raw only. BYTES
 * elements are variable length (in raw form each is a 4-byte little-endian length, then the
 * bytes) and have no numeric value.
 */
enum Datatype {
    BOOL(1, "bool_contents"),
    UINT8(1, "uint_contents"),
    UINT16(2, "uint_contents"),
    UINT32(4, "uint_contents"),
    UINT64(8, "uint64_contents"),
    INT8(1, "int_contents"),
    INT16(2, "int_contents"),
    INT32(4, "int_contents"),
    INT64(8, "int64_contents"),
    FP16(2, null),
    FP32(4, "fp32_contents"),
    FP64(8, "fp64_contents"),
    BYTES(0, "bytes_contents");

    /** The typed contents fields in {@code InferTensorContents} order. */
    static final String[] CONTENTS_FIELDS = {"bool_contents", "int_contents", "int64_contents",
        "uint_contents", "uint64_contents", "fp32_contents", "fp64_contents", "bytes_contents"};

    private final int byteSize;
    private final String contentsField;

    Datatype(int byteSize, String contentsField) {
        this.byteSize = byteSize;
        this.contentsField = contentsField;
    }

    /**
     * The datatype of a protocol name.
     *
     * @throws InferenceException INVALID_ARGUMENT naming the input and the known names
     */
    static Datatype of(String name, String input) {
        for (Datatype datatype : values()) {
            if (datatype.name().equals(name)) {
                return datatype;
            }
        }
        throw InferenceException.invalid("input '" + input + "': datatype '" + name
                + "' is not an Open Inference Protocol datatype; expected one of "
                + Arrays.toString(values()));
    }

    /** Bytes per element in raw form; 0 for BYTES, whose elements vary. */
    int byteSize() {
        return byteSize;
    }

    /** The typed field that carries this datatype, or null when it travels raw only (FP16). */
    String contentsField() {
        return contentsField;
    }

    boolean isNumeric() {
        return this != BYTES;
    }

    /** How many values each typed field of {@code contents} holds, in CONTENTS_FIELDS order. */
    static int[] contentsCounts(InferTensorContents contents) {
        return new int[] {contents.getBoolContentsCount(), contents.getIntContentsCount(),
            contents.getInt64ContentsCount(), contents.getUintContentsCount(),
            contents.getUint64ContentsCount(), contents.getFp32ContentsCount(),
            contents.getFp64ContentsCount(), contents.getBytesContentsCount()};
    }

    /**
     * Typed values as FP32, checking the range of the narrow integer types.
     *
     * @param count the element count, already checked against the field's length
     */
    float[] toFloats(InferTensorContents contents, int count, String input) {
        float[] values = new float[count];
        for (int i = 0; i < count; i++) {
            values[i] = switch (this) {
                case BOOL -> contents.getBoolContents(i) ? 1f : 0f;
                case INT8, INT16, INT32 -> checkedSigned(contents.getIntContents(i), i, input);
                case INT64 -> contents.getInt64Contents(i);
                case UINT8, UINT16, UINT32 ->
                        checkedUnsigned(contents.getUintContents(i), i, input);
                case UINT64 -> unsignedToFloat(contents.getUint64Contents(i));
                case FP32 -> contents.getFp32Contents(i);
                case FP64 -> (float) contents.getFp64Contents(i);
                case FP16, BYTES -> throw new IllegalStateException(this + " has no values");
            };
        }
        return values;
    }

    /**
     * Raw little-endian values as FP32.
     *
     * @param raw exactly {@code count * byteSize()} bytes, already checked, little-endian order
     */
    float[] toFloats(ByteBuffer raw, int count, String input) {
        float[] values = new float[count];
        for (int i = 0; i < count; i++) {
            values[i] = switch (this) {
                case BOOL -> checkedBool(raw.get(), i, input);
                case INT8 -> raw.get();
                case INT16 -> raw.getShort();
                case INT32 -> raw.getInt();
                case INT64 -> raw.getLong();
                case UINT8 -> Byte.toUnsignedInt(raw.get());
                case UINT16 -> Short.toUnsignedInt(raw.getShort());
                case UINT32 -> Integer.toUnsignedLong(raw.getInt());
                case UINT64 -> unsignedToFloat(raw.getLong());
                case FP16 -> halfToFloat(raw.getShort());
                case FP32 -> raw.getFloat();
                case FP64 -> (float) raw.getDouble();
                case BYTES -> throw new IllegalStateException("BYTES has no values");
            };
        }
        return values;
    }

    /** An IEEE 754 half-precision value as a float, exactly (every half is a float). */
    static float halfToFloat(short half) {
        int sign = (half & 0x8000) << 16;
        int exponent = (half >>> 10) & 0x1F;
        int mantissa = half & 0x3FF;
        if (exponent == 0x1F) {
            return Float.intBitsToFloat(sign | 0x7F80_0000 | mantissa << 13);
        }
        if (exponent == 0) {
            float magnitude = mantissa * 0x1p-24f;
            return sign == 0 ? magnitude : -magnitude;
        }
        return Float.intBitsToFloat(sign | (exponent + 112) << 23 | mantissa << 13);
    }

    private float checkedSigned(int value, int index, String input) {
        long min = this == INT8 ? Byte.MIN_VALUE : this == INT16 ? Short.MIN_VALUE
                : Integer.MIN_VALUE;
        long max = this == INT8 ? Byte.MAX_VALUE : this == INT16 ? Short.MAX_VALUE
                : Integer.MAX_VALUE;
        return checkRange(value, min, max, index, input);
    }

    private float checkedUnsigned(int bits, int index, String input) {
        long value = Integer.toUnsignedLong(bits);
        long max = this == UINT8 ? 0xFF : this == UINT16 ? 0xFFFF : 0xFFFF_FFFFL;
        return checkRange(value, 0, max, index, input);
    }

    private float checkRange(long value, long min, long max, int index, String input) {
        if (value < min || value > max) {
            throw InferenceException.invalid("input '" + input + "': element " + index
                    + " value " + value + " is out of range for " + this);
        }
        return value;
    }

    private static float checkedBool(byte value, int index, String input) {
        if (value != 0 && value != 1) {
            throw InferenceException.invalid("input '" + input + "': element " + index
                    + " byte " + value + " is not a BOOL (0 or 1)");
        }
        return value;
    }

    private static float unsignedToFloat(long bits) {
        return bits >= 0 ? bits : ((bits >>> 1) | (bits & 1)) * 2f;
    }
}
