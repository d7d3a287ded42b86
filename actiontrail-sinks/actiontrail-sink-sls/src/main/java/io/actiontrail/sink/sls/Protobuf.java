package io.actiontrail.sink.sls;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * The few protocol buffer encodings a LogGroup needs: varints, fixed32 and length-delimited fields, written into a
 * growable buffer. Not thread-safe; one buffer per encoding.
 */
final class Protobuf extends ByteArrayOutputStream {

    private static final int VARINT = 0;
    private static final int LENGTH_DELIMITED = 2;
    private static final int FIXED32 = 5;

    Protobuf(int capacity) {
        super(capacity);
    }

    /** The bytes written so far, without copying; valid up to {@link #size()} until the next write. */
    byte[] buffer() {
        return buf;
    }

    /** Writes field {@code field} as a varint (uint32, uint64, int64 of a non-negative value). */
    void varintField(int field, long value) {
        tag(field, VARINT);
        varint(value);
    }

    /** Writes field {@code field} as a little-endian fixed32. */
    void fixed32Field(int field, int value) {
        tag(field, FIXED32);
        write(value);
        write(value >>> 8);
        write(value >>> 16);
        write(value >>> 24);
    }

    /** Writes field {@code field} as a UTF-8 string. */
    void stringField(int field, String value) {
        bytesField(field, value.getBytes(StandardCharsets.UTF_8));
    }

    /** Writes field {@code field} as length-delimited bytes: an embedded message or a string's UTF-8. */
    void bytesField(int field, byte[] value) {
        bytesField(field, value, 0, value.length);
    }

    /** Writes field {@code field} as length-delimited bytes taken from {@code value[offset, offset + length)}. */
    void bytesField(int field, byte[] value, int offset, int length) {
        tag(field, LENGTH_DELIMITED);
        varint(length);
        write(value, offset, length);
    }

    private void tag(int field, int wireType) {
        varint(((long) field << 3) | wireType);
    }

    private void varint(long value) {
        long v = value;
        while ((v & ~0x7FL) != 0) {
            write((int) ((v & 0x7F) | 0x80));
            v >>>= 7;
        }
        write((int) v);
    }

    /** The encoded size of a length-delimited field of {@code length} bytes with a field number below 16. */
    static int lengthDelimitedSize(int length) {
        return 1 + varintSize(length) + length;
    }

    /** The number of bytes the varint encoding of a non-negative value takes. */
    static int varintSize(long value) {
        int size = 1;
        long v = value;
        while ((v & ~0x7FL) != 0) {
            size++;
            v >>>= 7;
        }
        return size;
    }
}
