package io.actiontrail.internal.integrity;

import io.actiontrail.internal.Files2;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/**
 * The signed checkpoints of a log, appended to one file per UTC day ({@code checkpoints-20261205.notes}) so that
 * retention can delete whole days. Each record is a line {@code note <bytes>} followed by the signed note's text; a
 * torn last record is cut when the file is next appended to. Appends are fsynced before they return.
 *
 * <p>Not thread-safe: one thread appends; {@link #read} may run anywhere.
 */
final class CheckpointFiles implements AutoCloseable {

    private static final Pattern NAME = Pattern.compile("checkpoints-\\d{8}\\.notes");
    private static final DateTimeFormatter DAY =
            DateTimeFormatter.ofPattern("yyyyMMdd").withZone(ZoneOffset.UTC);

    /** One record read back: the file and the note's text, or what was wrong with it. */
    record Stored(
            String file, @Nullable String note, @Nullable String damage) {}

    private final Path dir;
    private @Nullable FileChannel channel;
    private @Nullable String day;

    CheckpointFiles(Path dir) {
        this.dir = dir;
    }

    /**
     * Appends one signed note to the file of {@code time}'s day and fsyncs it; returns whether that opened the day's
     * file (the first append of a day, or of this process).
     *
     * @throws IOException if it cannot be written
     */
    boolean append(String note, Instant time) throws IOException {
        boolean opened = false;
        String today = DAY.format(time);
        FileChannel c = channel;
        if (c == null || !today.equals(day)) {
            if (c != null) {
                c.close();
            }
            Path file = dir.resolve("checkpoints-" + today + ".notes");
            boolean created = !Files.exists(file);
            c = Files2.openPrivate(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
            c.truncate(wholeRecords(c));
            c.position(c.size());
            if (created) {
                Files2.syncDirectory(dir);
            }
            channel = c;
            day = today;
            opened = true;
        }
        byte[] text = note.getBytes(StandardCharsets.UTF_8);
        byte[] header = ("note " + text.length + "\n").getBytes(StandardCharsets.US_ASCII);
        ByteBuffer buffer = ByteBuffer.allocate(header.length + text.length)
                .put(header)
                .put(text)
                .flip();
        while (buffer.hasRemaining()) {
            c.write(buffer);
        }
        c.force(false);
        return opened;
    }

    /**
     * Deletes the files of the days before {@code time}'s.
     *
     * @throws IOException if the directory cannot be listed or a file deleted
     */
    void deleteBefore(Instant time) throws IOException {
        String first = "checkpoints-" + DAY.format(time) + ".notes";
        try (Stream<Path> list = Files.list(dir)) {
            for (Path file : list.toList()) {
                String name = file.getFileName().toString();
                if (NAME.matcher(name).matches() && name.compareTo(first) < 0) {
                    Files.deleteIfExists(file);
                }
            }
        }
    }

    /** The length of the whole records at the start of a file: where a torn last record begins. */
    private static long wholeRecords(FileChannel channel) throws IOException {
        long size = channel.size();
        ByteBuffer content = ByteBuffer.allocate(Math.toIntExact(size));
        while (content.hasRemaining() && channel.read(content, content.position()) >= 0) {
            // reads the whole file: a day of checkpoints is at most a few megabytes
        }
        byte[] bytes = content.array();
        int at = 0;
        while (at < bytes.length) {
            int next = next(bytes, at);
            if (next < 0) {
                break;
            }
            at = next;
        }
        return at;
    }

    /** The end of the record at {@code at}, or -1 if it is torn or not a record. */
    private static int next(byte[] bytes, int at) {
        int newline = -1;
        for (int i = at; i < bytes.length && i < at + 32; i++) {
            if (bytes[i] == '\n') {
                newline = i;
                break;
            }
        }
        if (newline < 0) {
            return -1;
        }
        String header = new String(bytes, at, newline - at, StandardCharsets.US_ASCII);
        if (!header.startsWith("note ")) {
            return -1;
        }
        try {
            long length = Long.parseLong(header.substring(5));
            long end = newline + 1 + length;
            return length < 0 || end > bytes.length ? -1 : (int) end;
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /**
     * Reads every record of every day in {@code dir}, oldest day first; a record that cannot be read is returned with
     * its damage, and ends the reading of its file, but for the newest file's last record, which a crash may have
     * torn while it was appended.
     *
     * @throws IOException if the directory cannot be listed or a file read
     */
    static List<Stored> read(Path dir) throws IOException {
        List<Path> files = new ArrayList<>();
        if (Files.isDirectory(dir)) {
            try (Stream<Path> list = Files.list(dir)) {
                list.filter(p -> NAME.matcher(p.getFileName().toString()).matches())
                        .sorted()
                        .forEach(files::add);
            }
        }
        List<Stored> out = new ArrayList<>();
        for (Path file : files) {
            boolean newest = file.equals(files.get(files.size() - 1));
            byte[] bytes = Files.readAllBytes(file);
            String name = file.getFileName().toString();
            int at = 0;
            while (at < bytes.length) {
                int end = next(bytes, at);
                if (end < 0) {
                    if (!newest) {
                        out.add(new Stored(name, null, "a damaged or torn record at byte " + at));
                    } // else the record a crash tore while it was appended, cut at the next append
                    break;
                }
                int start = at;
                while (bytes[start] != '\n') {
                    start++;
                }
                out.add(new Stored(name, new String(bytes, start + 1, end - start - 1, StandardCharsets.UTF_8), null));
                at = end;
            }
        }
        return out;
    }

    @Override
    public void close() throws IOException {
        FileChannel c = channel;
        channel = null;
        if (c != null) {
            c.close();
        }
    }
}
