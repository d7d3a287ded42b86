package io.actiontrail;

import io.actiontrail.sink.AuditRecord;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;

/**
 * The ordered store every recorded event is appended to once, and that every shipper and lookup reads. Positions
 * ("sequence numbers") start at 0 and grow by one per event. The readable head is the position after the last event
 * readers may see; shippers wait on it. Thread-safe.
 */
abstract class Journal implements AutoCloseable {

    /** One event read for a shipper. Immutable. */
    static final class Entry {
        final long seq;
        final AuditRecord record;
        final long routes;
        final long readyNanos;

        Entry(long seq, AuditRecord record, long routes, long readyNanos) {
            this.seq = seq;
            this.record = record;
            this.routes = routes;
            this.readyNanos = readyNanos;
        }
    }

    /** What a journal needs of each shipper that reads it. */
    interface Reader {
        /** The shipper's bit in the routes of {@link MemoryJournal} entries. */
        long mask();

        /** Whether the event at {@code seq} with these attributes goes to this shipper (disk journal). */
        boolean routes(long seq, LineFields fields);

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

    private final ReentrantLock headLock = new ReentrantLock();
    private final Condition advanced = headLock.newCondition();
    private long head;
    private long headBytes;
    private int idleWaiters;
    /** The lowest head / byte count at which a lingering reader's batch could be full; wake it then. */
    private long lingerWakeSeq = Long.MAX_VALUE;

    private long lingerWakeBytes = Long.MAX_VALUE;

    /** How many lines {@link #scanBackwards} has handed to visitors: what the time index did not skip. */
    private final LongAdder linesScanned = new LongAdder();

    /** A random id, so that lookup tokens of another journal are recognised. */
    abstract String id();

    /**
     * Appends one encoded event. The router is asked, with the position assigned and under the append lock, which
     * shippers the event goes to. Returns the position, or -1 if the journal could not take the event (the caller
     * counts the drop).
     */
    abstract long append(AuditRecord record, Router router);

    /**
     * Appends one event that {@code encoding} turns into its line. This journal encodes at once; a journal with a
     * writer thread may leave the encoding to it, so that the caller pays only for queueing.
     */
    long append(AuditEvent event, Encoding encoding, Router router) {
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

    /** Runs {@code action} under the append lock with the position the next append gets. */
    abstract void atHead(HeadAction action);

    /** An action run at the journal's head. */
    interface HeadAction {
        void run(long nextSeq);
    }

    /** Returns the oldest position still held. */
    abstract long firstSeq();

    /** Returns the position the next append gets. */
    abstract long nextSeq();

    /**
     * Reads the entries routed to {@code reader} from its read position on, up to {@code maxEvents} and
     * {@code maxBytes} more, into {@code out}, and moves the reader's position past what was read. An entry larger
     * than {@code maxBytes} is read only into an empty {@code out}, so that it travels alone. Never waits for
     * appends.
     */
    abstract Read read(Reader reader, int maxEvents, long maxBytes, List<Entry> out);

    /** Returns the event time of the oldest entry routed to {@code reader} at or after {@code from}. */
    abstract @Nullable Instant oldestRouted(Reader reader, long from);

    /**
     * Visits the lines before position {@code before} whose event time may lie in {@code [fromMillis, toMillis)},
     * newest first; a line outside the range may be visited too, the visitor checks.
     */
    abstract void scanBackwards(long before, long fromMillis, long toMillis, LineVisitor visitor);

    /** Returns how many lines {@link #scanBackwards} has visited since the journal was opened; for tests. */
    final long linesScanned() {
        return linesScanned.sum();
    }

    /** Counts lines {@link #scanBackwards} visited. */
    final void countScanned(long lines) {
        linesScanned.add(lines);
    }

    /** Whether events are lost when the process ends. */
    abstract boolean volatileStorage();

    /** Releases the journal; appends after close are refused. */
    @Override
    public abstract void close();

    /** Returns the readable head: readers see every position before it. */
    final long head() {
        headLock.lock();
        try {
            return head;
        } finally {
            headLock.unlock();
        }
    }

    /** Moves the readable head and wakes the readers that wait for it. */
    final void publish(long newHead, long addedBytes) {
        headLock.lock();
        try {
            head = newHead;
            headBytes += addedBytes;
            if (idleWaiters > 0 || head >= lingerWakeSeq || headBytes >= lingerWakeBytes) {
                lingerWakeSeq = Long.MAX_VALUE;
                lingerWakeBytes = Long.MAX_VALUE;
                advanced.signalAll();
            }
        } finally {
            headLock.unlock();
        }
    }

    /** Waits until the head passes {@code position}, a {@link #wakeAll()}, or the timeout. */
    @SuppressWarnings("WaitNotInLoop") // the caller re-checks its condition in a loop
    final void awaitData(long position, long timeoutNanos) throws InterruptedException {
        headLock.lock();
        try {
            if (head > position) {
                return;
            }
            idleWaiters++;
            try {
                advanced.awaitNanos(timeoutNanos);
            } finally {
                idleWaiters--;
            }
        } finally {
            headLock.unlock();
        }
    }

    /**
     * Waits for a lingering batch: until the timeout, a {@link #wakeAll()}, or until the head moves {@code events}
     * past {@code position} or by {@code bytes} (enough to fill the batch). Smaller appends do not wake this wait, so
     * a batch that fills slowly costs one wake-up, not one per event.
     */
    @SuppressWarnings("WaitNotInLoop") // the caller re-checks its condition in a loop
    final void awaitLinger(long position, long timeoutNanos, long events, long bytes) throws InterruptedException {
        headLock.lock();
        try {
            long wakeSeq = position + Math.max(1, events);
            if (head >= wakeSeq) {
                return; // enough was published since the caller read
            }
            lingerWakeSeq = Math.min(lingerWakeSeq, wakeSeq);
            lingerWakeBytes = Math.min(lingerWakeBytes, headBytes + Math.max(1, bytes));
            advanced.await(timeoutNanos, TimeUnit.NANOSECONDS);
        } finally {
            headLock.unlock();
        }
    }

    /** Waits until the head reaches {@code position} or the timeout; returns whether it did. */
    final boolean awaitHead(long position, long timeoutNanos) throws InterruptedException {
        long deadline = System.nanoTime() + timeoutNanos;
        headLock.lock();
        try {
            while (head < position) {
                long remaining = deadline - System.nanoTime();
                if (remaining <= 0) {
                    return false;
                }
                idleWaiters++;
                try {
                    advanced.awaitNanos(remaining);
                } finally {
                    idleWaiters--;
                }
            }
            return true;
        } finally {
            headLock.unlock();
        }
    }

    /** Wakes every waiting reader: for flush and close. */
    final void wakeAll() {
        headLock.lock();
        try {
            advanced.signalAll();
        } finally {
            headLock.unlock();
        }
    }
}
