package io.actiontrail.internal.journal;

import io.actiontrail.DeliveryListener;
import io.actiontrail.internal.Files2;
import io.actiontrail.internal.Warnings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

/**
 * Deletes sealed segments older than the retention or beyond the disk quota, oldest first, and tells each reader
 * how many events routed to it went unread, so that a loss is counted and reported, never silent. Called by the
 * journal's writer about once a minute and after each roll. Thread-safe: one maintenance runs at a time (this
 * object's monitor), and it takes the segments' write lock only to delete files.
 */
final class Retention {

    private final Path dir;
    private final JournalSettings settings;
    private final Clock clock;
    private final Warnings warnings;
    private final SegmentFiles files;
    private final List<Journal.Reader> readers;
    private final Routing routing;
    private volatile java.util.function.LongSupplier hold = () -> Long.MAX_VALUE;

    Retention(
            Path dir,
            JournalSettings settings,
            Clock clock,
            Warnings warnings,
            SegmentFiles files,
            List<Journal.Reader> readers,
            Routing routing) {
        this.dir = dir;
        this.settings = settings;
        this.clock = clock;
        this.warnings = warnings;
        this.files = files;
        this.readers = readers;
        this.routing = routing;
    }

    /** Keeps every segment holding a position at or after {@code hold}'s answer; see {@link Journal#holdRetention}. */
    void hold(java.util.function.LongSupplier hold) {
        this.hold = hold;
    }

    /** Deletes the sealed segments beyond the retention or the quota, counting what shippers had not read. */
    synchronized void maintain() {
        releaseRoutes();
        List<Segment> current = files.list();
        long cutoff = clock.millis() - settings.retention().toMillis();
        long total = 0;
        for (Segment segment : current) {
            total += segment.size();
        }
        List<Segment> delete = new ArrayList<>();
        List<String> reasons = new ArrayList<>();
        long held = hold.getAsLong();
        for (int i = 0; i + 1 < current.size(); i++) {
            Segment segment = current.get(i);
            if (!segment.sealed() || current.get(i + 1).firstSeq > held) {
                break; // open, or holding lines a reader that cannot lose one has not read yet
            }
            if (segment.lastWriteMillis() < cutoff) {
                reasons.add(DeliveryListener.Dropped.RETENTION);
            } else if (total > settings.maxDiskBytes()) {
                reasons.add(DeliveryListener.Dropped.QUOTA);
            } else {
                break;
            }
            delete.add(segment);
            total -= segment.size();
        }
        if (delete.isEmpty()) {
            return;
        }
        files.writeLock().lock();
        try {
            for (int i = 0; i < delete.size(); i++) {
                deleteSegment(delete.get(i), reasons.get(i));
            }
            files.removeAll(delete);
        } finally {
            files.writeLock().unlock();
        }
        Files2.syncDirectory(dir);
    }

    private void deleteSegment(Segment segment, String reason) {
        for (Journal.Reader reader : readers) {
            long from = Math.max(reader.readPosition(), segment.firstSeq);
            if (from >= segment.endSeq()) {
                continue;
            }
            long lost = countRouted(segment, reader, from);
            reader.readPosition(segment.endSeq());
            if (lost > 0) {
                reader.lost(
                        lost,
                        reason,
                        lost + " events were deleted from the journal for " + reason + " ("
                                + (reason.equals(DeliveryListener.Dropped.RETENTION)
                                        ? "older than " + settings.retention()
                                        : "beyond maxDiskBytes " + settings.maxDiskBytes())
                                + ") before delivery");
            }
        }
        segment.closeChannel();
        try {
            Files.deleteIfExists(SegmentIndex.path(segment));
            Files.deleteIfExists(segment.indexPath());
            Files.deleteIfExists(segment.path);
        } catch (IOException e) {
            warnings.warn("journal-delete", "ActionTrail: cannot delete journal segment " + segment, e);
        }
    }

    /** Lets go of the route bits every reader is past; a reader moved back routes those events from their lines. */
    private void releaseRoutes() {
        if (readers.isEmpty()) {
            return; // nobody registered to say how far it read
        }
        long min = Long.MAX_VALUE;
        for (Journal.Reader reader : readers) {
            min = Math.min(min, reader.readPosition());
        }
        routing.table.releaseBelow(min);
    }

    private long countRouted(Segment segment, Journal.Reader reader, long from) {
        long[] count = {0};
        try {
            segment.forEachLineFrom(from, Long.MAX_VALUE, (seq, buf, off, len) -> {
                if (routes(reader, seq, buf, off, len)) {
                    count[0]++;
                }
                return true;
            });
        } catch (IOException e) {
            warnings.warn("journal-read", "ActionTrail: cannot read journal segment " + segment, e);
        }
        return count[0];
    }

    private boolean routes(Journal.Reader reader, long seq, byte[] buf, int off, int len) {
        return (routing.bits(seq, buf, off, len) & reader.mask()) != 0;
    }
}
