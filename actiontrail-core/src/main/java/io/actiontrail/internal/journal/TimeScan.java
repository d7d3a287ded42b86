package io.actiontrail.internal.journal;

import io.actiontrail.internal.codec.LineFields;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * Finds events by time through the segments' time indexes: the first position at or after a time (where a trail
 * that starts at a time begins) and the newest-first scan behind lookups, which reads only the blocks whose time
 * range overlaps the query. Holds the segments' read lock while it reads files. Thread-safe.
 */
final class TimeScan {

    private final Path dir;
    private final SegmentFiles files;
    private final LongSupplier head;

    TimeScan(Path dir, SegmentFiles files, LongSupplier head) {
        this.dir = dir;
        this.files = files;
        this.head = head;
    }

    /** Returns the position of the first event at or after {@code millis} (by event time), for a trail's start. */
    long firstAtOrAfter(long millis) {
        files.readLock().lock();
        try {
            long limit = head.getAsLong();
            for (Segment segment : files.list()) {
                int blocks = segment.blockCount();
                for (int b = 0; b < blocks; b++) {
                    Segment.Block block = segment.block(b);
                    if (block.maxTime() < millis) {
                        continue;
                    }
                    long[] seq = {block.seq()};
                    long[] found = {-1};
                    segment.forEachLine(block.offset(), block.end(), (buf, off, len, at) -> {
                        long s = seq[0]++;
                        try {
                            if (LineFields.parse(buf, off, len).eventTimeMillis >= millis) {
                                found[0] = s;
                                return false;
                            }
                        } catch (IllegalArgumentException e) {
                            // skip
                        }
                        return true;
                    });
                    if (found[0] >= 0) {
                        return Math.min(found[0], limit);
                    }
                }
            }
            return limit;
        } catch (IOException e) {
            throw new IllegalStateException("cannot read the journal in " + dir + ": " + e.getMessage(), e);
        } finally {
            files.readLock().unlock();
        }
    }

    /** Visits lines oldest first, as {@link Journal#scanForwards}; returns how many it visited. */
    long scanForwards(long from, long before, long fromMillis, long toMillis, Journal.LineVisitor visitor) {
        long visited = 0;
        files.readLock().lock();
        try {
            long limit = Math.min(before, head.getAsLong());
            for (Segment segment : files.list()) {
                if (segment.firstSeq >= limit) {
                    break;
                }
                if (segment.endSeq() <= from || !segment.mayHold(fromMillis, toMillis)) {
                    continue;
                }
                long segmentEnd = Math.min(limit, segment.endSeq());
                int blocks = segment.blockCount();
                for (int b = 0; b < blocks; b++) {
                    Segment.Block block = segment.block(b);
                    long blockEnd = b + 1 < blocks ? segment.block(b + 1).seq() : segment.endSeq();
                    if (blockEnd <= from || block.maxTime() < fromMillis || block.minTime() >= toMillis) {
                        continue;
                    }
                    if (block.seq() >= segmentEnd) {
                        break;
                    }
                    long[] seq = {block.seq()};
                    long[] count = {0};
                    boolean[] stopped = {false};
                    segment.forEachLine(block.offset(), block.end(), (buf, off, len, at) -> {
                        long s = seq[0]++;
                        if (s >= segmentEnd) {
                            return false;
                        }
                        if (s < from) {
                            return true;
                        }
                        count[0]++;
                        if (!visitor.visit(s, buf, off, len)) {
                            stopped[0] = true;
                            return false;
                        }
                        return true;
                    });
                    visited += count[0];
                    if (stopped[0]) {
                        return visited;
                    }
                }
            }
            return visited;
        } catch (IOException e) {
            throw new IllegalStateException("cannot read the journal in " + dir + ": " + e.getMessage(), e);
        } finally {
            files.readLock().unlock();
        }
    }

    /** Visits lines newest first, as {@link Journal#scanBackwards}; returns how many it visited. */
    long scanBackwards(long before, long fromMillis, long toMillis, Journal.LineVisitor visitor) {
        return scanBackwards(0, before, fromMillis, toMillis, visitor);
    }

    /** Visits the lines at positions {@code [from, before)} newest first; returns how many it visited. */
    long scanBackwards(long from, long before, long fromMillis, long toMillis, Journal.LineVisitor visitor) {
        long visited = 0;
        files.readLock().lock();
        try {
            List<Segment> list = files.list();
            long limit = Math.min(before, head.getAsLong());
            for (int s = list.size() - 1; s >= 0; s--) {
                Segment segment = list.get(s);
                if (segment.endSeq() <= from) {
                    break;
                }
                if (segment.firstSeq >= limit || !segment.mayHold(fromMillis, toMillis)) {
                    continue;
                }
                long segmentEnd = Math.min(limit, segment.endSeq());
                for (int b = segment.blockCount() - 1; b >= 0; b--) {
                    Segment.Block block = segment.block(b);
                    if (block.seq() >= segmentEnd || block.maxTime() < fromMillis || block.minTime() >= toMillis) {
                        continue;
                    }
                    byte[] bytes = segment.readBytes(block.offset(), (int) (block.end() - block.offset()));
                    List<int[]> lines = new ArrayList<>();
                    int start = 0;
                    for (int i = 0; i < bytes.length; i++) {
                        if (bytes[i] == '\n') {
                            lines.add(new int[] {start, i - start});
                            start = i + 1;
                        }
                    }
                    for (int i = lines.size() - 1; i >= 0; i--) {
                        long seq = block.seq() + i;
                        if (seq >= segmentEnd) {
                            continue;
                        }
                        if (seq < from) {
                            return visited;
                        }
                        int[] line = lines.get(i);
                        visited++;
                        if (!visitor.visit(seq, bytes, line[0], line[1])) {
                            return visited;
                        }
                    }
                }
            }
            return visited;
        } catch (IOException e) {
            throw new IllegalStateException("cannot read the journal in " + dir + ": " + e.getMessage(), e);
        } finally {
            files.readLock().unlock();
        }
    }
}
