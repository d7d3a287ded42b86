package io.actiontrail.internal.journal;

import io.actiontrail.query.Attribute;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;
import java.util.zip.CRC32C;
import org.jspecify.annotations.Nullable;

/**
 * The secondary index of a sealed segment, in its file next to the segment ({@code <segment>.qidx}), mapped into
 * memory. The file: a header (magic, version, the segment's first position, byte size and line count, whether the
 * values are exact); each line's event time as a zig-zag varint delta from the line before; each line's outcome code
 * (one byte); the dictionary, sorted by attribute code and UTF-8 value, front-coded in blocks of
 * {@link #BLOCK_TERMS} entries, each entry followed by its lines as varint deltas; the offsets of the blocks; a footer
 * of section offsets; a CRC32C of everything before it. Written whole to a temporary file, fsynced and renamed; a file
 * that is missing, damaged or does not fit its segment is rebuilt from the segment. Immutable and thread-safe.
 */
final class SegmentIndex implements IndexView {

    static final String SUFFIX = ".qidx";
    static final int MAGIC = 0x41545158; // "ATQX"
    static final int VERSION = 1;
    static final int BLOCK_TERMS = 16;
    private static final int HEADER = 4 + 4 + 8 + 8 + 4 + 1;
    private static final int FOOTER = 6 * 4 + 4;

    private final ByteBuffer buf;
    private final int lines;
    private final boolean exact;
    private final int timesOffset;
    private final int outcomesOffset;
    private final int blockTable;
    private final int blocks;
    private final int termCount;

    private SegmentIndex(ByteBuffer buf) {
        this.buf = buf;
        this.lines = buf.getInt(24);
        this.exact = buf.get(28) == 1;
        int footer = buf.limit() - FOOTER;
        this.timesOffset = buf.getInt(footer);
        this.outcomesOffset = buf.getInt(footer + 4);
        this.blockTable = buf.getInt(footer + 12);
        this.blocks = buf.getInt(footer + 16);
        this.termCount = buf.getInt(footer + 20);
    }

    static Path path(Segment segment) {
        return segment.path.resolveSibling(segment.path.getFileName() + SUFFIX);
    }

    /** The code of an attribute in the dictionary's keys; fixed, part of the file format. */
    static byte code(Attribute attribute) {
        return switch (attribute) {
            case EVENT_NAME -> 1;
            case EVENT_TYPE -> 2;
            case EVENT_RW -> 3;
            case EVENT_CATEGORY -> 4;
            case USER_NAME -> 5;
            case PRINCIPAL_ID -> 6;
            case ACCOUNT_ID -> 7;
            case ACCESS_KEY_ID -> 8;
            case RESOURCE_TYPE -> 9;
            case RESOURCE_NAME -> 10;
            case RESOURCE -> 11;
            case REQUEST_ID -> 12;
            case EVENT_ID -> 13;
            case SOURCE_IP_ADDRESS -> 14;
            case OUTCOME -> 15;
            case ERROR_CODE -> 16;
            case SERVICE_NAME -> 17;
        };
    }

    /**
     * Loads the index file of {@code segment}; returns {@code null} if it is missing, damaged, of another version or
     * does not describe the segment as it is.
     */
    static @Nullable SegmentIndex load(Segment segment) {
        Path file = path(segment);
        if (!Files.isRegularFile(file)) {
            return null;
        }
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = channel.size();
            if (size < HEADER + FOOTER || size > Integer.MAX_VALUE) {
                return null;
            }
            MappedByteBuffer mapped = channel.map(FileChannel.MapMode.READ_ONLY, 0, size);
            return check(mapped, segment);
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** Returns the index in {@code buf} if it is whole and describes {@code segment}; else {@code null}. */
    static @Nullable SegmentIndex check(ByteBuffer buf, Segment segment) {
        int size = buf.limit();
        if (size < HEADER + FOOTER || buf.getInt(0) != MAGIC || buf.getInt(4) != VERSION) {
            return null;
        }
        CRC32C crc = new CRC32C();
        crc.update(buf.duplicate().position(0).limit(size - 4));
        if ((int) crc.getValue() != buf.getInt(size - 4)) {
            return null;
        }
        if (buf.getLong(8) != segment.firstSeq
                || buf.getLong(16) != segment.size()
                || buf.getInt(24) != segment.endSeq() - segment.firstSeq) {
            return null;
        }
        SegmentIndex index = new SegmentIndex(buf);
        int footer = size - FOOTER;
        if (index.timesOffset != HEADER
                || index.outcomesOffset < index.timesOffset
                || index.outcomesOffset + (long) index.lines > footer
                || index.blockTable + 4L * index.blocks != footer
                || index.blocks != (index.termCount + BLOCK_TERMS - 1) / BLOCK_TERMS) {
            return null;
        }
        return index;
    }

    static byte[] encode(
            Out out,
            Segment segment,
            int lines,
            long bytes,
            boolean exact,
            long[] times,
            byte[] outcomes,
            List<IndexBuilder.Term> terms) {
        out.int32(MAGIC);
        out.int32(VERSION);
        out.int64(segment.firstSeq);
        out.int64(bytes);
        out.int32(lines);
        out.write(exact ? 1 : 0);
        int timesOffset = out.size();
        long previous = 0;
        for (int i = 0; i < lines; i++) {
            long delta = times[i] - previous;
            out.varlong((delta << 1) ^ (delta >> 63));
            previous = times[i];
        }
        int outcomesOffset = out.size();
        out.write(outcomes, 0, lines);
        int dictionary = out.size();
        int blocks = (terms.size() + BLOCK_TERMS - 1) / BLOCK_TERMS;
        int[] blockOffsets = new int[blocks];
        byte[] last = new byte[0];
        ByteArrayOutputStream postings = new ByteArrayOutputStream();
        for (int i = 0; i < terms.size(); i++) {
            IndexBuilder.Term term = terms.get(i);
            byte[] key = term.key();
            int shared = 0;
            if (i % BLOCK_TERMS == 0) {
                blockOffsets[i / BLOCK_TERMS] = out.size();
            } else {
                int max = Math.min(last.length, key.length);
                while (shared < max && last[shared] == key[shared]) {
                    shared++;
                }
            }
            out.varint(shared);
            out.varint(key.length - shared);
            out.write(key, shared, key.length - shared);
            postings.reset();
            term.lines().writeTo(postings);
            out.varint(term.lines().size);
            out.varint(postings.size());
            out.write(postings.toByteArray(), 0, postings.size());
            last = key;
        }
        int blockTable = out.size();
        for (int offset : blockOffsets) {
            out.int32(offset);
        }
        out.int32(timesOffset);
        out.int32(outcomesOffset);
        out.int32(dictionary);
        out.int32(blockTable);
        out.int32(blocks);
        out.int32(terms.size());
        CRC32C crc = new CRC32C();
        byte[] body = out.toByteArray();
        crc.update(body);
        out.int32((int) crc.getValue());
        return out.toByteArray();
    }

    @Override
    public int lines() {
        return lines;
    }

    @Override
    public boolean exact() {
        return exact;
    }

    @Override
    public long[] times() {
        long[] times = new long[lines];
        int[] at = {timesOffset};
        long previous = 0;
        for (int i = 0; i < lines; i++) {
            long z = varlong(at);
            previous += (z >>> 1) ^ -(z & 1);
            times[i] = previous;
        }
        return times;
    }

    @Override
    public byte[] outcomes() {
        byte[] outcomes = new byte[lines];
        buf.get(outcomesOffset, outcomes);
        return outcomes;
    }

    @Override
    public void terms(Attribute attribute, String from, TermVisitor visitor) {
        if (blocks == 0) {
            return;
        }
        byte code = code(attribute);
        byte[] value = from.getBytes(StandardCharsets.UTF_8);
        byte[] target = new byte[value.length + 1];
        target[0] = code;
        System.arraycopy(value, 0, target, 1, value.length);
        int lo = 0;
        int hi = blocks - 1;
        int block = 0;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            if (Arrays.compareUnsigned(firstKey(mid), target) <= 0) {
                block = mid;
                lo = mid + 1;
            } else {
                hi = mid - 1;
            }
        }
        int[] at = {buf.getInt(blockTable + 4 * block)};
        byte[] key = new byte[64];
        int keyLength = 0;
        for (int t = block * BLOCK_TERMS; t < termCount; t++) {
            int shared = varint(at);
            int suffix = varint(at);
            if (shared > keyLength) {
                throw new IllegalStateException("a damaged index entry");
            }
            if (shared + suffix > key.length) {
                key = Arrays.copyOf(key, Math.max(key.length * 2, shared + suffix));
            }
            buf.get(at[0], key, shared, suffix);
            at[0] += suffix;
            keyLength = shared + suffix;
            int count = varint(at);
            int length = varint(at);
            int postings = at[0];
            at[0] += length;
            if (keyLength == 0 || key[0] != code) {
                if (keyLength > 0 && Byte.toUnsignedInt(key[0]) > Byte.toUnsignedInt(code)) {
                    return;
                }
                continue;
            }
            if (Arrays.compareUnsigned(key, 0, keyLength, target, 0, target.length) < 0) {
                continue;
            }
            String term = new String(key, 1, keyLength - 1, StandardCharsets.UTF_8);
            if (!visitor.term(term, new Stored(postings, count))) {
                return;
            }
        }
    }

    private byte[] firstKey(int block) {
        int[] at = {buf.getInt(blockTable + 4 * block)};
        varint(at); // shared: 0 at a block's start
        int length = varint(at);
        byte[] key = new byte[length];
        buf.get(at[0], key);
        return key;
    }

    private int varint(int[] at) {
        return (int) varlong(at);
    }

    private long varlong(int[] at) {
        long result = 0;
        int shift = 0;
        int p = at[0];
        while (true) {
            byte b = buf.get(p++);
            result |= (long) (b & 0x7f) << shift;
            if (b >= 0) {
                break;
            }
            shift += 7;
            if (shift > 63) {
                throw new IllegalStateException("a damaged varint in the index");
            }
        }
        at[0] = p;
        return result;
    }

    /** The lines of one stored value, decoded when asked. */
    private final class Stored implements Postings {
        private final int offset;
        private final int count;

        Stored(int offset, int count) {
            this.offset = offset;
            this.count = count;
        }

        @Override
        public void addTo(BitSet set) {
            int[] at = {offset};
            int line = 0;
            for (int i = 0; i < count; i++) {
                line += varint(at);
                set.set(line);
            }
        }

        @Override
        public long countIn(BitSet set) {
            int[] at = {offset};
            int line = 0;
            long n = 0;
            for (int i = 0; i < count; i++) {
                line += varint(at);
                if (set.get(line)) {
                    n++;
                }
            }
            return n;
        }
    }

    /** A growable byte array with the index's integer encodings. Not thread-safe. */
    static final class Out extends ByteArrayOutputStream {
        Out(int capacity) {
            super(capacity);
        }

        void int32(int v) {
            write(v >>> 24);
            write(v >>> 16);
            write(v >>> 8);
            write(v);
        }

        void int64(long v) {
            int32((int) (v >>> 32));
            int32((int) v);
        }

        void varint(int v) {
            varint(this, v);
        }

        void varlong(long v) {
            while ((v & ~0x7fL) != 0) {
                write((int) ((v & 0x7f) | 0x80));
                v >>>= 7;
            }
            write((int) v);
        }

        static void varint(ByteArrayOutputStream out, int v) {
            while ((v & ~0x7f) != 0) {
                out.write((v & 0x7f) | 0x80);
                v >>>= 7;
            }
            out.write(v);
        }
    }
}
