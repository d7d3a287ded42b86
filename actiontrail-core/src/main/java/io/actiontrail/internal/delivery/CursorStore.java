package io.actiontrail.internal.delivery;

import io.actiontrail.internal.Files2;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The persisted position of each shipper in the disk journal, one small file per trail and sink, replaced atomically
 * (temporary file, fsync, rename) so that a crash leaves either the old or the new cursor. A cursor also keeps the
 * position ranges in which its trail was not logging, so that a restart does not deliver what the trail skipped.
 * {@link #none()} is the store of a journal that does not outlive the process: it keeps nothing. Thread-safe.
 */
final class CursorStore {

    /** A persisted cursor: the next position to deliver and the ranges {@code [from, to)} the trail skips. */
    record Cursor(long position, List<long[]> stopped) {}

    private final @Nullable Path dir;

    CursorStore(Path dataDir) throws IOException {
        this.dir = dataDir.resolve("cursors");
        Files2.createPrivateDirectories(dir);
    }

    private CursorStore() {
        this.dir = null;
    }

    /** A store that keeps no cursor: every load finds none and every save is dropped. */
    static CursorStore none() {
        return new CursorStore();
    }

    /** Returns the cursor of a trail's sink, or {@code null} if it has none (or it is unreadable). */
    @Nullable
    Cursor load(String trail, String sink) {
        if (dir == null) {
            return null;
        }
        Path file = file(trail, sink);
        if (!Files.isRegularFile(file)) {
            return null;
        }
        try {
            long position = -1;
            List<long[]> stopped = new ArrayList<>();
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                if (line.startsWith("position=")) {
                    position =
                            Long.parseLong(line.substring("position=".length()).strip());
                } else if (line.startsWith("stopped=") && line.length() > "stopped=".length()) {
                    for (String range : line.substring("stopped=".length()).split(",", -1)) {
                        String[] ends = range.strip().split("-", -1);
                        long from = Long.parseLong(ends[0]);
                        long to = ends[1].isEmpty() ? Long.MAX_VALUE : Long.parseLong(ends[1]);
                        stopped.add(new long[] {from, to});
                    }
                }
            }
            return position < 0 ? null : new Cursor(position, stopped);
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** Persists a cursor atomically. */
    synchronized void save(String trail, String sink, long position, List<long[]> stopped) throws IOException {
        if (dir == null) {
            return;
        }
        StringBuilder text = new StringBuilder("position=").append(position).append('\n');
        StringBuilder ranges = new StringBuilder();
        for (long[] range : stopped) {
            if (range[1] <= position) {
                continue; // behind the cursor: no longer needed
            }
            if (ranges.length() > 0) {
                ranges.append(',');
            }
            ranges.append(range[0]).append('-');
            if (range[1] != Long.MAX_VALUE) {
                ranges.append(range[1]);
            }
        }
        if (ranges.length() > 0) {
            text.append("stopped=").append(ranges).append('\n');
        }
        Files2.writeAtomically(file(trail, sink), text.toString().getBytes(StandardCharsets.UTF_8));
    }

    private Path file(String trail, String sink) {
        Path dir = java.util.Objects.requireNonNull(this.dir, "no cursor directory");
        return dir.resolve(trail + "~" + encode(sink) + ".cursor");
    }

    /** Keeps letters, digits, {@code _ . -}; escapes every other UTF-8 byte as {@code %XX}. */
    static String encode(String name) {
        StringBuilder out = new StringBuilder();
        for (byte b : name.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            if ((c >= 'a' && c <= 'z')
                    || (c >= 'A' && c <= 'Z')
                    || (c >= '0' && c <= '9')
                    || c == '_'
                    || c == '.'
                    || c == '-') {
                out.append((char) c);
            } else {
                out.append('%')
                        .append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 15, 16)));
            }
        }
        return out.toString();
    }
}
