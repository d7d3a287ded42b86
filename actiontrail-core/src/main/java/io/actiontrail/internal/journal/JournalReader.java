package io.actiontrail.internal.journal;

import io.actiontrail.internal.Warnings;
import io.actiontrail.internal.codec.LineFields;
import io.actiontrail.sink.AuditRecord;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import org.jspecify.annotations.Nullable;

/**
 * Reads the disk journal for its shippers: the entries routed to one reader from its position up to the readable
 * head, in batches, remembering where each reader's last read ended in the file so that the next read starts there
 * instead of at the block boundary. Holds the segments' read lock while it reads files. Thread-safe; each reader is
 * read by one thread at a time.
 */
final class JournalReader {

    private final Path dir;
    private final SegmentFiles files;
    private final LongSupplier head;
    private final Warnings warnings;
    private final Routing routing;
    /** Per reader: the position, file offset and segment its last read ended at. */
    private final Map<Journal.Reader, long[]> hints = new ConcurrentHashMap<>();

    JournalReader(Path dir, SegmentFiles files, LongSupplier head, Warnings warnings, Routing routing) {
        this.dir = dir;
        this.routing = routing;
        this.files = files;
        this.head = head;
        this.warnings = warnings;
    }

    Journal.Read read(Journal.Reader reader, int maxEvents, long maxBytes, List<Journal.Entry> out) {
        files.readLock().lock();
        try {
            List<Segment> list = files.list();
            long pos = Math.max(reader.readPosition(), list.get(0).firstSeq);
            long limit = head.getAsLong();
            int[] events = {0};
            long[] taken = {0};
            boolean[] full = {false};
            while (pos < limit && !full[0]) {
                Segment segment = SegmentFiles.segmentOf(list, pos);
                if (segment == null) {
                    break;
                }
                long end = Math.min(segment.endSeq(), limit);
                if (pos >= end) {
                    if (segment.sealed()) {
                        Segment next = SegmentFiles.nextAfter(list, segment);
                        if (next == null) {
                            break;
                        }
                        pos = Math.max(pos, next.firstSeq);
                        continue;
                    }
                    break;
                }
                long[] hint = hints.get(reader);
                long startSeq;
                long startOffset;
                if (hint != null && hint[0] == pos && hint[2] == segment.firstSeq) {
                    startSeq = pos;
                    startOffset = hint[1];
                } else {
                    Segment.Block block = segment.blockOf(pos);
                    startSeq = block == null ? segment.firstSeq : block.seq();
                    startOffset = block == null ? 0 : block.offset();
                }
                long[] cursor = {startSeq, startOffset};
                long stopSeq = end;
                long now = System.nanoTime();
                long from = pos;
                segment.forEachLine(startOffset, segment.size(), (buf, off, len, at) -> {
                    long seq = cursor[0];
                    if (seq >= stopSeq) {
                        return false;
                    }
                    if (seq >= from && (routing.bits(seq, buf, off, len) & reader.mask()) != 0) {
                        // routed, so a line that parsed (at append or just now): its id and time are enough
                        AuditRecord record = LineFields.record(buf, off, len);
                        if (record != null) {
                            if (events[0] >= maxEvents || (!out.isEmpty() && taken[0] + len > maxBytes)) {
                                full[0] = true;
                                return false;
                            }
                            out.add(new Journal.Entry(seq, record, reader.mask(), now));
                            events[0]++;
                            taken[0] += len;
                        }
                    }
                    cursor[0] = seq + 1;
                    cursor[1] = at + len + 1;
                    return true;
                });
                pos = Math.max(pos, cursor[0]);
                hints.put(reader, new long[] {pos, cursor[1], segment.firstSeq});
                if (events[0] >= maxEvents || taken[0] >= maxBytes) {
                    full[0] = true;
                }
            }
            reader.readPosition(pos);
            return new Journal.Read(pos, full[0]);
        } catch (IOException e) {
            warnings.warn("journal-read", "ActionTrail: cannot read the journal in " + dir + "; will retry", e);
            return new Journal.Read(reader.readPosition(), false);
        } finally {
            files.readLock().unlock();
        }
    }

    @Nullable
    Instant oldestRouted(Journal.Reader reader, long from) {
        Instant[] found = {null};
        files.readLock().lock();
        try {
            List<Segment> list = files.list();
            long limit = head.getAsLong();
            for (Segment segment : list) {
                if (segment.endSeq() <= from || segment.firstSeq >= limit) {
                    continue;
                }
                segment.forEachLineFrom(from, limit, (seq, buf, off, len) -> {
                    if ((routing.bits(seq, buf, off, len) & reader.mask()) != 0) {
                        LineFields fields = Routing.parse(buf, off, len);
                        if (fields != null) {
                            found[0] = Instant.ofEpochMilli(fields.eventTimeMillis);
                            return false;
                        }
                    }
                    return true;
                });
                if (found[0] != null) {
                    break;
                }
            }
        } catch (IOException e) {
            return null;
        } finally {
            files.readLock().unlock();
        }
        return found[0];
    }

    /** Counts, for each reader, the events routed to it from its read position to the head; for status at start. */
    long[] countBacklog(List<? extends Journal.Reader> list) {
        long[] counts = new long[list.size()];
        if (list.isEmpty()) {
            return counts;
        }
        long min = Long.MAX_VALUE;
        for (Journal.Reader reader : list) {
            min = Math.min(min, reader.readPosition());
        }
        long limit = head.getAsLong();
        long from = min;
        files.readLock().lock();
        try {
            for (Segment segment : files.list()) {
                if (segment.endSeq() <= from || segment.firstSeq >= limit) {
                    continue;
                }
                segment.forEachLineFrom(from, limit, (seq, buf, off, len) -> {
                    long bits = routing.decideOnce(seq, buf, off, len); // one decision for every reader, kept
                    for (int i = 0; i < counts.length; i++) {
                        Journal.Reader reader = list.get(i);
                        if (seq >= reader.readPosition() && (bits & reader.mask()) != 0) {
                            counts[i]++;
                        }
                    }
                    return true;
                });
            }
        } catch (IOException e) {
            warnings.warn("journal-read", "ActionTrail: cannot read the journal in " + dir, e);
        } finally {
            files.readLock().unlock();
        }
        return counts;
    }
}
