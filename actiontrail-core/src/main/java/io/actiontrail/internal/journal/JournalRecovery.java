package io.actiontrail.internal.journal;

import io.actiontrail.internal.Files2;
import io.actiontrail.internal.Warnings;
import io.actiontrail.internal.codec.LineFields;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * Opens what a previous run left in a journal directory: removes interrupted atomic writes, loads or rebuilds each
 * segment's time index, cuts a torn last write off the last segment, warns of gaps, and creates the first segment of
 * an empty directory. Runs once, on the opening thread, before the writer starts; not thread-safe.
 */
final class JournalRecovery {

    /** What recovery found: the journal's id, its segments in order (the last one active), and what it cut. */
    record Result(String id, List<Segment> segments, long tornBytes, long corruptLines) {}

    private final Path dir;
    private final Clock clock;
    private final Warnings warnings;
    private long corruptLines;

    JournalRecovery(Path dir, Clock clock, Warnings warnings) {
        this.dir = dir;
        this.clock = clock;
        this.warnings = warnings;
    }

    private String loadId() throws IOException {
        Path file = dir.resolve("journal.id");
        if (Files.isRegularFile(file)) {
            String text = Files.readString(file, StandardCharsets.UTF_8).strip();
            if (!text.isEmpty()) {
                return text;
            }
        }
        String fresh = UUID.randomUUID().toString();
        Files2.writeAtomically(file, fresh.getBytes(StandardCharsets.UTF_8));
        return fresh;
    }

    Result recover() throws IOException {
        String id = loadId();
        List<Segment> found = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path file : (Iterable<Path>) files::iterator) {
                String name = file.getFileName().toString();
                if (name.endsWith(Files2.TEMP_SUFFIX)) {
                    Files.deleteIfExists(file); // an atomic write that a crash interrupted
                    continue;
                }
                Segment segment = Segment.fromFile(file);
                if (segment != null) {
                    found.add(segment);
                }
            }
        }
        found.sort((a, b) -> Long.compare(a.firstSeq, b.firstSeq));
        long torn = 0;
        for (int i = 0; i < found.size(); i++) {
            Segment segment = found.get(i);
            boolean last = i == found.size() - 1;
            long fileSize = Files.size(segment.path);
            if (!last && segment.loadIndex(fileSize)) {
                segment.seal();
                continue;
            }
            torn += rebuild(segment, last);
            segment.lastWriteMillis(Files.getLastModifiedTime(segment.path).toMillis());
            if (!last) {
                segment.seal();
                try {
                    segment.writeIndex();
                } catch (IOException e) {
                    warnings.warn("journal-index", "ActionTrail: cannot write the index of " + segment, e);
                }
            }
        }
        for (int i = 1; i < found.size(); i++) {
            if (found.get(i - 1).endSeq() != found.get(i).firstSeq) {
                warnings.warn(
                        "journal-gap",
                        "ActionTrail: journal segments " + found.get(i - 1) + " and " + found.get(i)
                                + " do not join; positions " + found.get(i - 1).endSeq() + " to "
                                + found.get(i).firstSeq + " are missing (deleted by hand?)");
            }
        }
        if (found.isEmpty()) {
            found.add(Segment.create(dir, clock, 0));
            Files2.syncDirectory(dir);
        }
        if (torn > 0) {
            warnings.warn(
                    "journal-torn",
                    "ActionTrail: cut " + torn + " bytes of an incomplete last write from the journal in " + dir
                            + " (the process ended while writing)");
        }
        return new Result(id, found, torn, corruptLines);
    }

    /**
     * Rebuilds a segment's index by reading it. In the last segment, bytes after the last valid line (a write the
     * process did not finish) are cut off; returns how many.
     */
    private long rebuild(Segment segment, boolean last) throws IOException {
        segment.clearIndex();
        long[] position = {segment.firstSeq, 0, 0}; // next seq, offset of next line, end of last valid line
        long fileSize = Files.size(segment.path);
        long corrupt = segment.forEachLine(0, fileSize, (buf, off, len, lineOffset) -> {
            long seq = position[0]++;
            try {
                LineFields fields = LineFields.parse(buf, off, len);
                segment.indexLine(seq, lineOffset, fields.eventTimeMillis);
                position[2] = lineOffset + len + 1;
                segment.written(position[2], seq + 1);
            } catch (IllegalArgumentException e) {
                segment.written(lineOffset + len + 1, seq + 1);
            }
            position[1] = lineOffset + len + 1;
            return true;
        });
        long keep = last ? position[2] : position[1];
        if (last && keep < fileSize) {
            try (FileChannel channel = FileChannel.open(segment.path, StandardOpenOption.WRITE)) {
                channel.truncate(keep);
                channel.force(true);
            }
            // lines after the last valid one are not part of the journal
            long validEnd = segment.endSeq();
            long lines = 0;
            if (position[1] > keep) {
                lines = countLines(segment, keep, position[1]);
            }
            segment.written(keep, validEnd - lines);
            corrupt -= Math.min(corrupt, lines);
            corruptLines += corrupt;
            return fileSize - keep;
        }
        corruptLines += corrupt;
        return 0;
    }

    private long countLines(Segment segment, long from, long to) throws IOException {
        long[] count = {0};
        segment.forEachLine(from, to, (buf, off, len, lineOffset) -> {
            count[0]++;
            return true;
        });
        return count[0];
    }
}
