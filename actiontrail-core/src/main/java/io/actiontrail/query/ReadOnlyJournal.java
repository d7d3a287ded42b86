package io.actiontrail.query;

import io.actiontrail.AuditEvent;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * A journal directory opened read-only: the events another process journaled there (still running on this host, or
 * stopped, or a copy from another host) answered as an {@link EventStore}, and read in journal order from a position
 * ({@link #scan}) to follow what the writing process appends. Opened by
 * {@link io.actiontrail.ActionTrail#openReadOnly(java.nio.file.Path)}.
 *
 * <p>Nothing in the directory is written, locked or deleted: no index file is written, an incomplete last line (a write
 * in progress, or one a crash cut short) is left as it is and not read, and the writing process keeps its lock. Each
 * call first takes in what was appended, rolled or deleted since the last one. A segment's query index file is used
 * when it is valid, else the segment is scanned.
 *
 * <p>Thread-safe.
 */
public interface ReadOnlyJournal extends EventStore, AutoCloseable {

    /** Returns the journal's directory. */
    Path directory();

    /** Returns the oldest position still in the directory. */
    long firstPosition();

    /** Returns the position after the last complete line in the directory now. */
    long nextPosition();

    /**
     * Reads up to {@code maxEvents} events at positions from {@code fromPosition} on, oldest first (from the oldest
     * position still held if {@code fromPosition} was deleted meanwhile); lines that are not readable events are
     * skipped.
     *
     * @throws IllegalArgumentException if {@code maxEvents} is not positive
     */
    Scan scan(long fromPosition, int maxEvents);

    /** Releases the files it holds open. */
    @Override
    void close();

    /**
     * Events read by {@link #scan}, and the position to continue from. Immutable.
     *
     * @param events the events, oldest first
     * @param nextPosition the position after the last line read
     */
    record Scan(List<AuditEvent> events, long nextPosition) {
        /** Copies the list. */
        public Scan {
            events = List.copyOf(Objects.requireNonNull(events, "events"));
        }
    }
}
