package io.actiontrail.internal.insights;

import io.actiontrail.internal.Files2;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Iterator;
import java.util.Map;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * The counters' rollups, kept as CloudTrail keeps its insight metrics: per minute for 15 days, per 5 minutes for 63
 * days, per hour for 90 days. One file per resolution and UTC day, {@code m1-<epochDay>.bin}, {@code m5-…},
 * {@code h1-…}, of 12-byte records (bucket start in epoch minutes, key index, count), appended once per closed bucket
 * for the keys that counted something. Without a directory (the memory journal) the same records stay in memory, at
 * most {@link #MEMORY_RECORDS} of them, the oldest days dropped first. Not thread-safe: the insights thread owns it.
 */
final class Rollups {

    /** The resolutions, with their bucket in minutes, file prefix and days kept. */
    enum Resolution {
        MINUTE(1, "m1", 15),
        FIVE_MINUTES(5, "m5", 63),
        HOUR(60, "h1", 90);

        final int minutes;
        final String prefix;
        final int days;

        Resolution(int minutes, String prefix, int days) {
            this.minutes = minutes;
            this.prefix = prefix;
            this.days = days;
        }
    }

    /** Visits one record. */
    interface Visitor {
        void visit(int minute, int key, int count);
    }

    static final int RECORD_BYTES = 12;

    /** The most records kept in memory without a directory: 12 MB. */
    static final int MEMORY_RECORDS = 1 << 20;

    private final @Nullable Path dir;
    private final Map<String, int[]> memory = new TreeMap<>();
    private final Map<String, Integer> memorySizes = new TreeMap<>();
    private long memoryRecords;
    /** Per resolution: the latest bucket already in the files when they were opened; later adds of it are skipped. */
    private final java.util.EnumMap<Resolution, Integer> writtenUpTo = new java.util.EnumMap<>(Resolution.class);

    private final ByteBuffer buffer = ByteBuffer.allocate(64 * 1024).order(ByteOrder.BIG_ENDIAN);
    private @Nullable Resolution bufferResolution;
    private int bufferDay;

    Rollups(@Nullable Path dir) {
        this.dir = dir;
        for (Resolution r : Resolution.values()) {
            writtenUpTo.put(r, Integer.MIN_VALUE);
        }
    }

    /** Reads where each resolution's newest file ends, and cuts a torn last record. */
    void open() throws IOException {
        if (dir == null) {
            return;
        }
        for (Resolution r : Resolution.values()) {
            int newest = Integer.MIN_VALUE;
            for (int day : days(r)) {
                newest = Math.max(newest, day);
            }
            if (newest == Integer.MIN_VALUE) {
                continue;
            }
            Path file = file(r, newest);
            try (FileChannel channel = Files2.openPrivate(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
                long size = channel.size();
                long whole = size - size % RECORD_BYTES;
                if (whole != size) {
                    channel.truncate(whole);
                }
                if (whole >= RECORD_BYTES) {
                    ByteBuffer last = ByteBuffer.allocate(RECORD_BYTES);
                    channel.read(last, whole - RECORD_BYTES);
                    writtenUpTo.put(r, last.getInt(0));
                }
            }
        }
    }

    /** Adds one record of a closed bucket; buffered until {@link #flush}. */
    void add(Resolution r, int bucketMinute, int key, int count) throws IOException {
        if (bucketMinute <= writtenUpTo.getOrDefault(r, Integer.MIN_VALUE)) {
            return; // already written before a crash; the replay counted it again
        }
        int day = Math.floorDiv(bucketMinute, 1440);
        if (bufferResolution != r || bufferDay != day || buffer.remaining() < RECORD_BYTES) {
            flush();
            bufferResolution = r;
            bufferDay = day;
        }
        buffer.putInt(bucketMinute).putInt(key).putInt(count);
    }

    /** Writes what {@link #add} buffered. */
    void flush() throws IOException {
        Resolution r = bufferResolution;
        if (r == null || buffer.position() == 0) {
            buffer.clear();
            return;
        }
        buffer.flip();
        try {
            if (dir == null) {
                appendToMemory(r, bufferDay, buffer);
            } else {
                try (FileChannel channel = Files2.openPrivate(
                        file(r, bufferDay),
                        StandardOpenOption.CREATE,
                        StandardOpenOption.WRITE,
                        StandardOpenOption.APPEND)) {
                    while (buffer.hasRemaining()) {
                        channel.write(buffer);
                    }
                }
            }
        } finally {
            buffer.clear();
        }
    }

    private void appendToMemory(Resolution r, int day, ByteBuffer records) {
        String name = name(r, day);
        int[] data = memory.getOrDefault(name, new int[0]);
        int size = memorySizes.getOrDefault(name, 0);
        int adding = records.remaining() / 4;
        if (size + adding > data.length) {
            data = Arrays.copyOf(data, Math.max(size + adding, data.length * 2));
        }
        while (records.hasRemaining()) {
            data[size++] = records.getInt();
        }
        memory.put(name, data);
        memorySizes.put(name, size);
        memoryRecords += adding / 3;
        while (memoryRecords > MEMORY_RECORDS && memory.size() > 1) {
            String oldest = oldestMemoryDay();
            memoryRecords -= memorySizes.getOrDefault(oldest, 0) / 3;
            memory.remove(oldest);
            memorySizes.remove(oldest);
        }
    }

    private String oldestMemoryDay() {
        String oldest = memory.keySet().iterator().next();
        int oldestDay = Integer.MAX_VALUE;
        for (String name : memory.keySet()) {
            int day = Integer.parseInt(name.substring(3, name.length() - 4));
            if (day < oldestDay) {
                oldestDay = day;
                oldest = name;
            }
        }
        return oldest;
    }

    /** Visits every record of one resolution and day, in the order written. */
    void read(Resolution r, int day, Visitor visitor) throws IOException {
        if (dir == null) {
            String name = name(r, day);
            int[] data = memory.get(name);
            if (data != null) {
                int size = memorySizes.getOrDefault(name, 0);
                for (int i = 0; i + 2 < size; i += 3) {
                    visitor.visit(data[i], data[i + 1], data[i + 2]);
                }
            }
            if (bufferResolution == r && bufferDay == day) {
                visitBuffer(visitor);
            }
            return;
        }
        Path file = file(r, day);
        if (Files.exists(file)) {
            byte[] bytes = Files.readAllBytes(file);
            ByteBuffer in = ByteBuffer.wrap(bytes);
            while (in.remaining() >= RECORD_BYTES) {
                visitor.visit(in.getInt(), in.getInt(), in.getInt());
            }
        }
        if (bufferResolution == r && bufferDay == day) {
            visitBuffer(visitor);
        }
    }

    private void visitBuffer(Visitor visitor) {
        ByteBuffer view = buffer.duplicate();
        view.flip();
        while (view.remaining() >= RECORD_BYTES) {
            visitor.visit(view.getInt(), view.getInt(), view.getInt());
        }
    }

    /** Deletes what each resolution keeps no longer, as of {@code today} (an epoch day). */
    void retain(int today) throws IOException {
        for (Resolution r : Resolution.values()) {
            for (int day : days(r)) {
                if (day <= today - r.days) {
                    delete(r, day);
                }
            }
        }
    }

    /** Deletes every rollup: their key indexes mean nothing once the counters' state is lost. */
    void deleteAll() throws IOException {
        for (Resolution r : Resolution.values()) {
            for (int day : days(r)) {
                delete(r, day);
            }
            writtenUpTo.put(r, Integer.MIN_VALUE);
        }
        buffer.clear();
        bufferResolution = null;
    }

    private void delete(Resolution r, int day) throws IOException {
        if (dir == null) {
            String name = name(r, day);
            memoryRecords -= memorySizes.getOrDefault(name, 0) / 3;
            memory.remove(name);
            memorySizes.remove(name);
        } else {
            Files.deleteIfExists(file(r, day));
        }
    }

    /** The days that have a file (or memory chunk) of the resolution. */
    int[] days(Resolution r) throws IOException {
        int[] out = new int[8];
        int n = 0;
        if (dir == null) {
            for (Iterator<String> it = memory.keySet().iterator(); it.hasNext(); ) {
                String name = it.next();
                if (name.startsWith(r.prefix + "-")) {
                    if (n == out.length) {
                        out = Arrays.copyOf(out, n * 2);
                    }
                    out[n++] = Integer.parseInt(name.substring(3, name.length() - 4));
                }
            }
            return Arrays.copyOf(out, n);
        }
        if (!Files.isDirectory(dir)) {
            return new int[0];
        }
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, r.prefix + "-*.bin")) {
            for (Path file : files) {
                String name = String.valueOf(file.getFileName());
                try {
                    int day = Integer.parseInt(name.substring(3, name.length() - 4));
                    if (n == out.length) {
                        out = Arrays.copyOf(out, n * 2);
                    }
                    out[n++] = day;
                } catch (NumberFormatException e) {
                    // not a rollup file
                }
            }
        }
        return Arrays.copyOf(out, n);
    }

    private Path file(Resolution r, int day) {
        return java.util.Objects.requireNonNull(dir).resolve(name(r, day));
    }

    private static String name(Resolution r, int day) {
        return r.prefix + "-" + day + ".bin";
    }
}
