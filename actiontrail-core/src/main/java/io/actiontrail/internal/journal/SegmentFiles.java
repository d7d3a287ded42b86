package io.actiontrail.internal.journal;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.jspecify.annotations.Nullable;

/**
 * The list of a journal's segments, oldest first, the last one active. The writer adds a segment when it rolls;
 * retention removes sealed ones. Readers take {@link #readLock()} while they read segment files, retention takes
 * {@link #writeLock()} while it deletes them; the list itself is an immutable snapshot replaced under its own monitor.
 * Thread-safe.
 */
final class SegmentFiles {

    /** Guards segment deletion: readers hold the read lock while they read files. */
    private final ReentrantReadWriteLock filesLock = new ReentrantReadWriteLock();

    private final Object listLock = new Object();
    private volatile List<Segment> segments;

    SegmentFiles(List<Segment> recovered) {
        this.segments = List.copyOf(recovered);
    }

    /** The segments now, oldest first; an immutable snapshot. */
    List<Segment> list() {
        return segments;
    }

    Lock readLock() {
        return filesLock.readLock();
    }

    Lock writeLock() {
        return filesLock.writeLock();
    }

    /** Appends the segment the writer rolled to. */
    void add(Segment next) {
        synchronized (listLock) {
            List<Segment> list = new ArrayList<>(segments);
            list.add(next);
            segments = List.copyOf(list);
        }
    }

    /** Removes deleted segments; the caller holds the write lock. */
    void removeAll(List<Segment> deleted) {
        synchronized (listLock) {
            List<Segment> kept = new ArrayList<>(segments);
            kept.removeAll(deleted);
            segments = List.copyOf(kept);
        }
    }

    /** Closes every segment's read channel, waiting for readers to finish. */
    void closeAll() {
        filesLock.writeLock().lock();
        try {
            for (Segment segment : segments) {
                segment.closeChannel();
            }
        } finally {
            filesLock.writeLock().unlock();
        }
    }

    static @Nullable Segment segmentOf(List<Segment> list, long seq) {
        int lo = 0;
        int hi = list.size() - 1;
        Segment found = null;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            if (list.get(mid).firstSeq <= seq) {
                found = list.get(mid);
                lo = mid + 1;
            } else {
                hi = mid - 1;
            }
        }
        return found;
    }

    static @Nullable Segment nextAfter(List<Segment> list, Segment segment) {
        int i = list.indexOf(segment);
        return i >= 0 && i + 1 < list.size() ? list.get(i + 1) : null;
    }
}
