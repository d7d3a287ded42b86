package io.actiontrail.internal.journal;

import io.actiontrail.internal.Files2;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.CRC32;
import org.jspecify.annotations.Nullable;

/**
 * One segment file of the disk journal: JSON lines from position {@link #firstSeq}, named after that position and
 * the time it was created, and its time index — per block of about {@link #BLOCK_BYTES} bytes, the block's first
 * position, file offset and earliest and latest event time. Sealed segments keep the index in a sidecar file.
 * Thread-safe: the writer appends, readers read concurrently.
 */
final class Segment {

    static final int BLOCK_BYTES = 64 * 1024;
    static final String SUFFIX = ".jsonl";
    static final String INDEX_SUFFIX = ".idx";
    /** How much of a segment one read takes at first; a longer line grows the buffer. */
    private static final int READ_BYTES = 256 * 1024;

    /** A line longer than this cannot be an event: it is skipped as corrupt. */
    private static final int MAX_LINE_BYTES = 64 * 1024 * 1024;

    private static final int INDEX_MAGIC = 0x41544931; // "ATI1"
    private static final DateTimeFormatter NAME_TIME =
            DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);
    private static final Pattern NAME = Pattern.compile("(\\d{20})-(\\d{8}T\\d{6}Z)\\.jsonl");

    final Path path;
    final long firstSeq;
    final long createdMillis;

    /** The position after the last complete line; written after {@link #size}. */
    private volatile long endSeq;
    /** The bytes of complete lines. */
    private volatile long size;

    private volatile boolean sealed;
    /** When a line was last written, by the journal's clock: what retention measures. */
    private volatile long lastWriteMillis;

    private long[] blockSeq = new long[8];
    private long[] blockOffset = new long[8];
    private long[] blockMin = new long[8];
    private long[] blockMax = new long[8];
    private int blocks;
    private long minTime = Long.MAX_VALUE;
    private long maxTime = Long.MIN_VALUE;
    private @Nullable FileChannel channel;

    Segment(Path path, long firstSeq, long createdMillis) {
        this.path = path;
        this.firstSeq = firstSeq;
        this.createdMillis = createdMillis;
        this.endSeq = firstSeq;
        this.lastWriteMillis = createdMillis;
    }

    /** Creates an empty segment file; its directory entry is made durable by the caller or the next fsync. */
    static Segment create(Path dir, Clock clock, long firstSeq) throws IOException {
        long now = clock.millis();
        Segment segment = new Segment(dir.resolve(Segment.fileName(firstSeq, now)), firstSeq, now);
        Files2.openPrivate(segment.path, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)
                .close();
        return segment;
    }

    static String fileName(long firstSeq, long createdMillis) {
        return String.format("%020d-%s%s", firstSeq, NAME_TIME.format(Instant.ofEpochMilli(createdMillis)), SUFFIX);
    }

    /** Returns the segment a file name describes, or {@code null} if it is not a segment's name. */
    static @Nullable Segment fromFile(Path file) {
        Matcher m = NAME.matcher(file.getFileName().toString());
        if (!m.matches()) {
            return null;
        }
        long created = Instant.from(NAME_TIME.parse(m.group(2))).toEpochMilli();
        return new Segment(file, Long.parseLong(m.group(1)), created);
    }

    Path indexPath() {
        return path.resolveSibling(path.getFileName() + INDEX_SUFFIX);
    }

    long endSeq() {
        return endSeq;
    }

    long size() {
        return size;
    }

    boolean sealed() {
        return sealed;
    }

    void seal() {
        sealed = true;
    }

    long lastWriteMillis() {
        return lastWriteMillis;
    }

    void lastWriteMillis(long millis) {
        lastWriteMillis = millis;
    }

    /** Records lines the writer has written: sizes first, so a reader that sees the new end also sees the bytes. */
    void written(long newSize, long newEndSeq) {
        size = newSize;
        endSeq = newEndSeq;
    }

    /** Adds one line to the time index; called in position order. */
    synchronized void indexLine(long seq, long offset, long timeMillis) {
        if (blocks == 0 || offset - blockOffset[blocks - 1] >= BLOCK_BYTES) {
            if (blocks == blockSeq.length) {
                int n = blocks * 2;
                blockSeq = Arrays.copyOf(blockSeq, n);
                blockOffset = Arrays.copyOf(blockOffset, n);
                blockMin = Arrays.copyOf(blockMin, n);
                blockMax = Arrays.copyOf(blockMax, n);
            }
            blockSeq[blocks] = seq;
            blockOffset[blocks] = offset;
            blockMin[blocks] = Long.MAX_VALUE;
            blockMax[blocks] = Long.MIN_VALUE;
            blocks++;
        }
        int b = blocks - 1;
        blockMin[b] = Math.min(blockMin[b], timeMillis);
        blockMax[b] = Math.max(blockMax[b], timeMillis);
        minTime = Math.min(minTime, timeMillis);
        maxTime = Math.max(maxTime, timeMillis);
    }

    /** A block of the index: lines from {@code seq} at {@code offset}, up to {@code end} bytes. Immutable. */
    record Block(long seq, long offset, long end, long minTime, long maxTime) {}

    /** Returns the block holding position {@code seq}, or {@code null} if the index has none before it. */
    synchronized @Nullable Block blockOf(long seq) {
        int lo = 0;
        int hi = blocks - 1;
        int found = -1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            if (blockSeq[mid] <= seq) {
                found = mid;
                lo = mid + 1;
            } else {
                hi = mid - 1;
            }
        }
        return found < 0 ? null : block(found);
    }

    synchronized int blockCount() {
        return blocks;
    }

    synchronized Block block(int i) {
        long end = i + 1 < blocks ? blockOffset[i + 1] : size;
        return new Block(blockSeq[i], blockOffset[i], end, blockMin[i], blockMax[i]);
    }

    /** Whether an event of the segment may have happened in {@code [from, to)}. */
    synchronized boolean mayHold(long from, long to) {
        return blocks > 0 && maxTime >= from && minTime < to;
    }

    /** Returns a channel for positional reads, shared by all readers. */
    synchronized FileChannel channel() throws IOException {
        FileChannel c = channel;
        if (c == null || !c.isOpen()) {
            c = FileChannel.open(path, StandardOpenOption.READ);
            channel = c;
        }
        return c;
    }

    synchronized void closeChannel() {
        FileChannel c = channel;
        channel = null;
        if (c != null) {
            try {
                c.close();
            } catch (IOException e) {
                // nothing to release any more
            }
        }
    }

    /** Writes the index sidecar of a sealed segment, replacing it atomically. */
    synchronized void writeIndex() throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(32 + blocks * 32);
        DataOutputStream out = new DataOutputStream(bytes);
        out.writeInt(INDEX_MAGIC);
        out.writeLong(size);
        out.writeLong(endSeq);
        out.writeLong(lastWriteMillis);
        out.writeInt(blocks);
        for (int i = 0; i < blocks; i++) {
            out.writeLong(blockSeq[i]);
            out.writeLong(blockOffset[i]);
            out.writeLong(blockMin[i]);
            out.writeLong(blockMax[i]);
        }
        CRC32 crc = new CRC32();
        crc.update(bytes.toByteArray());
        out.writeLong(crc.getValue());
        out.flush();
        Files2.replace(indexPath(), bytes.toByteArray()); // no fsync: a damaged index fails its CRC and is rebuilt
    }

    /** Loads the index sidecar; returns {@code false} if it is missing, corrupt or does not fit the file. */
    synchronized boolean loadIndex(long fileSize) {
        Path file = indexPath();
        if (!Files.isRegularFile(file)) {
            return false;
        }
        try {
            byte[] all = Files.readAllBytes(file);
            if (all.length < 44) {
                return false;
            }
            CRC32 crc = new CRC32();
            crc.update(all, 0, all.length - 8);
            DataInputStream in = new DataInputStream(new java.io.ByteArrayInputStream(all));
            if (in.readInt() != INDEX_MAGIC) {
                return false;
            }
            long indexedSize = in.readLong();
            long indexedEnd = in.readLong();
            long lastWrite = in.readLong();
            int n = in.readInt();
            if (indexedSize != fileSize || n < 0 || all.length != 36 + n * 32 + 8) {
                return false;
            }
            long[] seqs = new long[Math.max(8, n)];
            long[] offsets = new long[seqs.length];
            long[] mins = new long[seqs.length];
            long[] maxs = new long[seqs.length];
            long min = Long.MAX_VALUE;
            long max = Long.MIN_VALUE;
            for (int i = 0; i < n; i++) {
                seqs[i] = in.readLong();
                offsets[i] = in.readLong();
                mins[i] = in.readLong();
                maxs[i] = in.readLong();
                min = Math.min(min, mins[i]);
                max = Math.max(max, maxs[i]);
            }
            if (in.readLong() != crc.getValue()) {
                return false;
            }
            blockSeq = seqs;
            blockOffset = offsets;
            blockMin = mins;
            blockMax = maxs;
            blocks = n;
            minTime = min;
            maxTime = max;
            lastWriteMillis = lastWrite;
            written(indexedSize, indexedEnd);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** Forgets the index, before it is rebuilt by scanning the file. */
    synchronized void clearIndex() {
        blocks = 0;
        minTime = Long.MAX_VALUE;
        maxTime = Long.MIN_VALUE;
        written(0, firstSeq);
    }

    /** Reads {@code length} bytes at {@code offset} into a new array, or fewer at the end of the file. */
    byte[] readBytes(long offset, int length) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(length);
        FileChannel c = channel();
        while (buffer.hasRemaining()) {
            int n = c.read(buffer, offset + buffer.position());
            if (n < 0) {
                break;
            }
        }
        return buffer.position() == length ? buffer.array() : Arrays.copyOf(buffer.array(), buffer.position());
    }

    // ---------------------------------------------------------------- line reading

    /** Receives one line; returns {@code false} to stop. */
    interface LineHandler {
        boolean line(byte[] buf, int offset, int length, long fileOffset) throws IOException;
    }

    /** Receives one line with its position; returns {@code false} to stop. */
    interface PositionedLine {
        boolean line(long seq, byte[] buf, int offset, int length);
    }

    /**
     * Calls {@code handler} for every complete line between {@code from} and {@code to}; returns how many lines could
     * not be parsed by the caller's count (here: lines too long to hold, skipped).
     */
    long forEachLine(long from, long to, LineHandler handler) throws IOException {
        FileChannel channel = channel();
        byte[] buf = new byte[READ_BYTES];
        int filled = 0;
        long bufOffset = from; // file offset of buf[0]
        long skipped = 0;
        boolean skipping = false;
        while (true) {
            long readAt = bufOffset + filled;
            if (readAt >= to) {
                return skipped; // bytes after the last newline are an incomplete line
            }
            int want = (int) Math.min(buf.length - filled, to - readAt);
            int n = channel.read(ByteBuffer.wrap(buf, filled, want), readAt);
            if (n <= 0) {
                return skipped;
            }
            filled += n;
            int start = 0;
            for (int i = 0; i < filled; i++) {
                if (buf[i] != '\n') {
                    continue;
                }
                if (skipping) {
                    skipping = false;
                } else if (!handler.line(buf, start, i - start, bufOffset + start)) {
                    return skipped;
                }
                start = i + 1;
            }
            if (start == 0 && filled == buf.length) {
                if (buf.length < MAX_LINE_BYTES) {
                    buf = Arrays.copyOf(buf, buf.length * 2);
                    continue;
                }
                skipping = true; // a line longer than any event can be: corrupt, skip to the next newline
                skipped++;
                bufOffset += filled;
                filled = 0;
                continue;
            }
            System.arraycopy(buf, start, buf, 0, filled - start);
            bufOffset += start;
            filled -= start;
        }
    }

    /** Calls {@code handler} for the lines of a segment at positions from {@code from} up to {@code limit}. */
    void forEachLineFrom(long from, long limit, PositionedLine handler) throws IOException {
        Segment.Block block = blockOf(Math.max(from, firstSeq));
        long[] seq = {block == null ? firstSeq : block.seq()};
        forEachLine(block == null ? 0 : block.offset(), size(), (buf, off, len, at) -> {
            long s = seq[0]++;
            if (s >= limit) {
                return false;
            }
            return s < from || handler.line(s, buf, off, len);
        });
    }

    @Override
    public String toString() {
        return path.getFileName().toString();
    }
}
