package io.actiontrail;

import io.actiontrail.sink.AuditRecord;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;

/**
 * The {@link Durability#MEMORY} journal: a bounded ring of encoded events in sequence order. When full, the oldest
 * entries are evicted and every shipper that had not yet read one of them counts it as dropped. Readers hold
 * {@link #lock} while reading. Thread-safe.
 */
final class MemoryJournal {

    /** Per-entry bookkeeping on top of the JSON bytes, counted against the capacity. */
    static final int ENTRY_OVERHEAD = 96;

    /** One journaled event. Immutable. */
    static final class Entry {
        final long seq;
        final AuditRecord record;
        final long routes;
        final long appendNanos;

        Entry(long seq, AuditRecord record, long routes, long appendNanos) {
            this.seq = seq;
            this.record = record;
            this.routes = routes;
            this.appendNanos = appendNanos;
        }
    }

    /** Told, under the lock, of each entry evicted before every shipper routed to it had delivered it. */
    interface EvictionListener {
        void evicted(Entry entry);
    }

    final ReentrantLock lock = new ReentrantLock();
    private final Condition appended = lock.newCondition();
    private final long capacityBytes;
    private final EvictionListener evictionListener;

    private @Nullable Entry[] ring = new Entry[1024];
    private int head;
    private int count;
    private long firstSeq;
    private long nextSeq;
    private long bytes;
    private long appendedBytes;
    private int idleWaiters;
    /** The lowest position / byte count at which a lingering reader's batch could be full; wake it then. */
    private long lingerWakeSeq = Long.MAX_VALUE;

    private long lingerWakeBytes = Long.MAX_VALUE;

    MemoryJournal(long capacityBytes, EvictionListener evictionListener) {
        this.capacityBytes = capacityBytes;
        this.evictionListener = evictionListener;
    }

    /** Appends a record routed to the shippers whose bits are set; {@code onAppend} runs under the lock. */
    long append(AuditRecord record, long routes, Runnable onAppend) {
        long size = (long) record.sizeInBytes() + ENTRY_OVERHEAD;
        lock.lock();
        try {
            while (count > 0 && bytes + size > capacityBytes) {
                evictFirst();
            }
            if (count == ring.length) {
                grow();
            }
            long seq = nextSeq++;
            ring[(head + count) % ring.length] = new Entry(seq, record, routes, System.nanoTime());
            count++;
            bytes += size;
            appendedBytes += record.sizeInBytes();
            onAppend.run();
            if (idleWaiters > 0 || nextSeq >= lingerWakeSeq || appendedBytes >= lingerWakeBytes) {
                lingerWakeSeq = Long.MAX_VALUE;
                lingerWakeBytes = Long.MAX_VALUE;
                appended.signalAll();
            }
            return seq;
        } finally {
            lock.unlock();
        }
    }

    private void evictFirst() {
        Entry first = ring[head];
        ring[head] = null;
        head = (head + 1) % ring.length;
        count--;
        firstSeq++;
        if (first != null) {
            bytes -= (long) first.record.sizeInBytes() + ENTRY_OVERHEAD;
            if (first.routes != 0) {
                evictionListener.evicted(first);
            }
        }
    }

    private void grow() {
        @Nullable Entry[] bigger = new Entry[ring.length * 2];
        for (int i = 0; i < count; i++) {
            bigger[i] = ring[(head + i) % ring.length];
        }
        ring = bigger;
        head = 0;
    }

    /** Returns the entry with the given sequence number, or {@code null} if evicted or not yet written. Needs lock. */
    @Nullable
    Entry get(long seq) {
        if (seq < firstSeq || seq >= nextSeq) {
            return null;
        }
        return ring[(int) ((head + (seq - firstSeq)) % ring.length)];
    }

    /** Returns the sequence number of the oldest entry still held. Needs lock. */
    long firstSeq() {
        return firstSeq;
    }

    /** Returns the sequence number the next append will get. */
    long nextSeq() {
        lock.lock();
        try {
            return nextSeq;
        } finally {
            lock.unlock();
        }
    }

    /** Returns the sequence number the next append will get. Needs lock. */
    long nextSeqLocked() {
        return nextSeq;
    }

    /** Waits, holding the lock, until an append, a {@link #wakeAll()} or the timeout; for readers with nothing. */
    @SuppressWarnings("WaitNotInLoop") // the caller re-checks its condition in a loop
    void awaitIdle(long timeoutNanos) throws InterruptedException {
        idleWaiters++;
        try {
            appended.awaitNanos(timeoutNanos);
        } finally {
            idleWaiters--;
        }
    }

    /**
     * Waits, holding the lock, for a lingering batch: until the timeout, a {@link #wakeAll()}, or until appends reach
     * {@code events} more entries or {@code bytes} more bytes (enough to fill the batch). Other appends do not wake
     * this wait, so a batch that fills slowly costs one wake-up, not one per event.
     */
    @SuppressWarnings("WaitNotInLoop") // the caller re-checks its condition in a loop
    void awaitLinger(long timeoutNanos, long events, long bytes) throws InterruptedException {
        lingerWakeSeq = Math.min(lingerWakeSeq, nextSeq + Math.max(1, events));
        lingerWakeBytes = Math.min(lingerWakeBytes, appendedBytes + Math.max(1, bytes));
        appended.await(timeoutNanos, TimeUnit.NANOSECONDS);
    }

    /** Wakes every waiting reader: for flush and close. */
    void wakeAll() {
        lock.lock();
        try {
            appended.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Returns the bytes held, including per-entry bookkeeping. */
    long sizeInBytes() {
        lock.lock();
        try {
            return bytes;
        } finally {
            lock.unlock();
        }
    }
}
