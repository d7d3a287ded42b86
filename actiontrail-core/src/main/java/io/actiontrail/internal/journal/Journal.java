package io.actiontrail.internal.journal;

import io.actiontrail.AuditEvent;
import io.actiontrail.JournalStatus;
import io.actiontrail.internal.InternalApi;
import io.actiontrail.internal.codec.LineFields;
import io.actiontrail.query.Attribute;
import io.actiontrail.query.LookupQuery;
import io.actiontrail.sink.AuditRecord;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.ThreadFactory;
import org.jspecify.annotations.Nullable;

/**
 * The ordered store every recorded event is appended to once, and that every shipper and lookup reads. Positions
 * ("sequence numbers") start at 0 and grow by one per event. The readable head is the position after the last event
 * readers may see; shippers wait on it. The delivery engine uses this interface without knowing whether the events
 * are on disk ({@link DiskJournal}) or in memory ({@link MemoryJournal}). Implementations are thread-safe.
 */
@InternalApi
public interface Journal extends AutoCloseable {

    /** One event read for a shipper. Immutable. */
    final class Entry {
        public final long seq;
        public final AuditRecord record;
        public final long routes;
        public final long readyNanos;

        Entry(long seq, AuditRecord record, long routes, long readyNanos) {
            this.seq = seq;
            this.record = record;
            this.routes = routes;
            this.readyNanos = readyNanos;
        }
    }

    /** What a journal needs of each shipper that reads it. */
    interface Reader {
        /** The shipper's bit in the route bits the {@link Router} decides at append. */
        long mask();

        /** The next position to read; read and written only under the journal's reader discipline. */
        long readPosition();

        void readPosition(long position);

        /** Told of events the journal deleted before this reader read them. */
        void lost(long events, String reason, String detail);
    }

    /** The outcome of one {@link #read}: the next position, and whether the limits stopped the read. */
    record Read(long next, boolean full) {}

    /** Visits journaled lines newest first; returns {@code false} to stop. */
    interface LineVisitor {
        boolean visit(long seq, byte[] utf8, int offset, int length);
    }

    /** A random id, so that lookup tokens of another journal are recognised. */
    String id();

    /**
     * Appends one encoded event. The router is asked, with the position assigned and under the append lock, which
     * shippers the event goes to. Returns the position, or -1 if the journal could not take the event (the caller
     * counts the drop).
     */
    long append(AuditRecord record, Router router);

    /**
     * Appends one event that {@code encoding} turns into its line. This default encodes at once; a journal with a
     * writer thread may leave the encoding to it, so that the caller pays only for queueing.
     */
    default long append(AuditEvent event, Encoding encoding, Router router) {
        return append(encoding.encode(event), router);
    }

    /** Turns an event into its journal line. Never throws; thread-safe. */
    interface Encoding {
        AuditRecord encode(AuditEvent event);
    }

    /** Decides, under the append lock, which shippers an appended event goes to. */
    interface Router {
        /** Returns the route bits of the event at {@code seq}; counts it for each routed shipper. */
        long route(long seq);
    }

    /**
     * Decides which shippers an event already in the journal goes to, from its line: for events an earlier process
     * appended (the trails may have changed since), or whose bits the journal no longer holds. Decides as the
     * {@link Router} did at append, from the same trails' selectors and the ranges in which they were stopped.
     * Thread-safe.
     */
    interface LineRouter {
        /** Returns the route bits of the journaled event at {@code seq} with these attributes. */
        long route(long seq, LineFields fields);
    }

    /** Gives the router of journaled lines; before the first read. Journals that keep every event's bits ignore it. */
    default void lineRouter(LineRouter router) {}

    /**
     * Told of events after the journal wrote them, in batches, on the thread that wrote them (the writer thread of a
     * disk journal, the caller's with the memory journal): the objects as they were appended, no copies. Must be
     * quick and must not throw; batches may arrive out of order and may be missing (a tap that cannot keep up drops
     * them and reads the lines back instead), since the positions say where each batch belongs.
     */
    interface Tap {
        /**
         * {@code count} events from position {@code firstSeq} on: each item is the {@link AuditEvent} appended, or the
         * {@link AuditRecord} when it was appended encoded.
         */
        void written(long firstSeq, Object[] items, int count);
    }

    /** Installs the tap; before {@link #start}. Journals that cannot tap ignore it. */
    default void tap(Tap tap) {}

    /**
     * Returns the names of the journal's files that are missing from its directory although the journal still holds
     * them (removed behind its back); empty when none are, or for a journal without files.
     */
    default List<String> missingFiles() {
        return List.of();
    }

    /** Runs {@code action} under the append lock with the position the next append gets. */
    void atHead(HeadAction action);

    /** An action run at the journal's head. */
    interface HeadAction {
        void run(long nextSeq);
    }

    /** Returns the oldest position still held. */
    long firstSeq();

    /** Returns the position the next append gets. */
    long nextSeq();

    /**
     * Returns the position after the last event a crash of the machine cannot take back (fsynced). This default, for
     * a journal that does not outlive the process, is {@link #nextSeq()}.
     */
    default long durableSeq() {
        return nextSeq();
    }

    /**
     * Reads the entries routed to {@code reader} from its read position on, up to {@code maxEvents} and
     * {@code maxBytes} more, into {@code out}, and moves the reader's position past what was read. An entry larger
     * than {@code maxBytes} is read only into an empty {@code out}, so that it travels alone. Never waits for
     * appends.
     */
    Read read(Reader reader, int maxEvents, long maxBytes, List<Entry> out);

    /** Returns the event time of the oldest entry routed to {@code reader} at or after {@code from}. */
    @Nullable
    Instant oldestRouted(Reader reader, long from);

    /**
     * Visits the lines before position {@code before} whose event time may lie in {@code [fromMillis, toMillis)},
     * newest first; a line outside the range may be visited too, the visitor checks.
     */
    void scanBackwards(long before, long fromMillis, long toMillis, LineVisitor visitor);

    /**
     * Visits the lines at positions {@code [from, before)} whose event time may lie in {@code [fromMillis, toMillis)},
     * oldest first; a line outside the range may be visited too, the visitor checks.
     */
    void scanForwards(long from, long before, long fromMillis, long toMillis, LineVisitor visitor);

    /**
     * Visits the lines at positions {@code [from, before)} that may match {@code query} and whose event time may lie
     * in {@code [fromMillis, toMillis)}, newest or oldest first; a line that does not match may be visited too, the
     * visitor checks. A journal with a secondary index visits its candidates only; this default scans.
     */
    default void lookup(
            long from,
            long before,
            long fromMillis,
            long toMillis,
            LookupQuery query,
            boolean newestFirst,
            LineVisitor visitor) {
        if (newestFirst) {
            scanBackwards(before, fromMillis, toMillis, line(from, visitor));
        } else {
            scanForwards(from, before, fromMillis, toMillis, visitor);
        }
    }

    /** A visitor that stops below position {@code from}. */
    private static LineVisitor line(long from, LineVisitor visitor) {
        return (seq, utf8, offset, length) -> seq >= from && visitor.visit(seq, utf8, offset, length);
    }

    /** Receives the counts of an aggregation. */
    interface Tally {
        /** One matching event, at {@code timeMillis}, with its outcome code ({@code 1} failure, {@code 2} denied). */
        void event(long timeMillis, byte outcome);

        /** {@code count} matching events have {@code value} for the aggregation's attribute. */
        void value(String value, long count);
    }

    /**
     * Counts the events with an event time in {@code [fromMillis, toMillis)} that match {@code query}: where a
     * secondary index answers the query exactly, into {@code tally} without reading lines; else by visiting the lines
     * oldest first with {@code visitor}, which checks and counts them. This default visits every line.
     */
    default void aggregate(
            long fromMillis,
            long toMillis,
            LookupQuery query,
            @Nullable Attribute topBy,
            Tally tally,
            LineVisitor visitor) {
        scanForwards(0, nextSeq(), fromMillis, toMillis, visitor);
    }

    /** Returns how many lines {@link #scanBackwards} and {@link #scanForwards} have visited; for tests. */
    long linesScanned();

    /** Whether events are lost when the process ends. */
    boolean volatileStorage();

    /** Releases the journal; appends after close are refused. */
    @Override
    void close();

    /** Returns the readable head: readers see every position before it. */
    long head();

    /** Waits until the head passes {@code position}, a {@link #wakeAll()}, or the timeout. */
    void awaitData(long position, long timeoutNanos) throws InterruptedException;

    /**
     * Waits for a lingering batch: until the timeout, a {@link #wakeAll()}, or until the head moves {@code events}
     * past {@code position} or by {@code bytes} (enough to fill the batch). Smaller appends do not wake this wait, so
     * a batch that fills slowly costs one wake-up, not one per event.
     */
    void awaitLinger(long position, long timeoutNanos, long events, long bytes) throws InterruptedException;

    /** Waits until the head reaches {@code position} or the timeout; returns whether it did. */
    boolean awaitHead(long position, long timeoutNanos) throws InterruptedException;

    /** Wakes every waiting reader: for flush and close. */
    void wakeAll();

    /** Starts the journal's own threads, if it has any; before the first append. */
    default void start(ThreadFactory threadFactory) {}

    /** Adds a reader whose unread events the journal must count as lost if it deletes them (retention, quota). */
    default void register(Reader reader) {}

    /**
     * Keeps retention and quota from deleting a segment that holds a position at or after {@code hold}'s answer: for a
     * reader that cannot lose a line, such as the integrity log, which must hash every line. Its lag is short, so the
     * quota is exceeded at most for that long.
     */
    default void holdRetention(java.util.function.LongSupplier hold) {}

    /** Returns the position of the first event at or after {@code millis} by event time, or the head if none is. */
    long firstAtOrAfter(long millis);

    /** Counts, for each reader, the events routed to it from its read position to the head. */
    long[] countBacklog(List<? extends Reader> readers);

    /**
     * Waits until the event at {@code seq} is durable, the journal degrades or closes, or the thread is interrupted;
     * returns at once where nothing is made durable. Never throws.
     */
    default void awaitDurable(long seq) {}

    /** Applies retention and quota now, where the journal has any. */
    default void maintain() {}

    /** Returns the journal's state for {@code journalStatus()}. */
    JournalStatus status();

    /**
     * At close: moves {@code reader} past what it has not read, and returns how many events routed to it that was if
     * they end with the process; 0 where they stay for the next start.
     */
    long discardUnread(Reader reader);

    /**
     * Wakes every waiting reader and makes every later {@link #awaitData} and {@link #awaitLinger} return at once:
     * for close, so that a reader that checked for close just before it is called cannot then wait out its linger.
     */
    void releaseReaders();
}
