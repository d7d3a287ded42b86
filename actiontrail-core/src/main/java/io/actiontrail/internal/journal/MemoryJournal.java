package io.actiontrail.internal.journal;

import io.actiontrail.AuditEvent;
import io.actiontrail.Durability;
import io.actiontrail.JournalStatus;
import io.actiontrail.internal.InternalApi;
import io.actiontrail.sink.AuditRecord;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;

/**
 * The {@link Durability#MEMORY} journal: a bounded ring of encoded events in position order. When full, the oldest
 * entries are evicted and every shipper that had not yet read one of them counts it as dropped. Thread-safe.
 */
@InternalApi
public final class MemoryJournal extends AbstractJournal {

    /** Per-entry bookkeeping on top of the JSON bytes, counted against the capacity. */
    static final int ENTRY_OVERHEAD = 96;

    /** Told, under the lock, of each entry evicted before every shipper routed to it had delivered it; called from one thread at a time. */
    public interface EvictionListener {
        void evicted(Entry entry);
    }

    private final ReentrantLock lock = new ReentrantLock();
    private final String id = UUID.randomUUID().toString();
    private final long capacityBytes;
    private final EvictionListener evictionListener;

    private @Nullable Entry[] ring = new Entry[1024];
    private int start;
    private int count;
    private long firstSeq;
    private long nextSeq;
    private long bytes;
    private boolean closed;

    public MemoryJournal(long capacityBytes, EvictionListener evictionListener) {
        this.capacityBytes = capacityBytes;
        this.evictionListener = evictionListener;
    }

    @Override
    public String id() {
        return id;
    }

    private volatile @Nullable Tap tap;

    @Override
    public void tap(Tap tap) {
        this.tap = tap;
    }

    @Override
    public long append(AuditEvent event, Encoding encoding, Router router) {
        long seq = append(encoding.encode(event), router);
        Tap t = tap;
        if (t != null && seq >= 0) {
            t.written(seq, new Object[] {event}, 1);
        }
        return seq;
    }

    @Override
    public long append(AuditRecord record, Router router) {
        long size = (long) record.sizeInBytes() + ENTRY_OVERHEAD;
        lock.lock();
        try {
            if (closed) {
                return -1;
            }
            while (count > 0 && bytes + size > capacityBytes) {
                evictFirst();
            }
            if (count == ring.length) {
                grow();
            }
            long seq = nextSeq++;
            ring[(start + count) % ring.length] = new Entry(seq, record, router.route(seq), System.nanoTime());
            count++;
            bytes += size;
            publish(nextSeq, record.sizeInBytes());
            return seq;
        } finally {
            lock.unlock();
        }
    }

    private void evictFirst() {
        Entry first = ring[start];
        ring[start] = null;
        start = (start + 1) % ring.length;
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
            bigger[i] = ring[(start + i) % ring.length];
        }
        ring = bigger;
        start = 0;
    }

    private @Nullable Entry get(long seq) {
        if (seq < firstSeq || seq >= nextSeq) {
            return null;
        }
        return ring[(int) ((start + (seq - firstSeq)) % ring.length)];
    }

    @Override
    public void atHead(HeadAction action) {
        lock.lock();
        try {
            action.run(nextSeq);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public long firstSeq() {
        lock.lock();
        try {
            return firstSeq;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public long nextSeq() {
        lock.lock();
        try {
            return nextSeq;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public Read read(Reader reader, int maxEvents, long maxBytes, List<Entry> out) {
        lock.lock();
        try {
            long pos = Math.max(reader.readPosition(), firstSeq);
            long taken = 0;
            int events = 0;
            boolean full = false;
            while (pos < nextSeq) {
                Entry entry = get(pos);
                if (entry != null && (entry.routes & reader.mask()) != 0) {
                    int size = entry.record.sizeInBytes();
                    if (events >= maxEvents || (!out.isEmpty() && taken + size > maxBytes)) {
                        full = true;
                        break;
                    }
                    out.add(entry);
                    events++;
                    taken += size;
                }
                pos++;
            }
            reader.readPosition(pos);
            return new Read(pos, full || events >= maxEvents || taken >= maxBytes);
        } finally {
            lock.unlock();
        }
    }

    /** Counts the entries routed to {@code reader} that it has not read, and moves it to the end. */
    @Override
    public long discardUnread(Reader reader) {
        lock.lock();
        try {
            long unread = 0;
            for (long pos = Math.max(reader.readPosition(), firstSeq); pos < nextSeq; pos++) {
                Entry entry = get(pos);
                if (entry != null && (entry.routes & reader.mask()) != 0) {
                    unread++;
                }
            }
            reader.readPosition(nextSeq);
            return unread;
        } finally {
            lock.unlock();
        }
    }

    @Override
    @Nullable
    public Instant oldestRouted(Reader reader, long from) {
        lock.lock();
        try {
            for (long pos = Math.max(from, firstSeq); pos < nextSeq; pos++) {
                Entry entry = get(pos);
                if (entry != null && (entry.routes & reader.mask()) != 0) {
                    return entry.record.eventTime();
                }
            }
            return null;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void scanBackwards(long before, long fromMillis, long toMillis, LineVisitor visitor) {
        long visited = 0;
        lock.lock();
        try {
            for (long pos = Math.min(before, nextSeq) - 1; pos >= firstSeq; pos--) {
                int seen = visit(pos, fromMillis, toMillis, visitor);
                visited += Math.abs(seen);
                if (seen < 0) {
                    return;
                }
            }
        } finally {
            lock.unlock();
            countScanned(visited);
        }
    }

    @Override
    public void scanForwards(long from, long before, long fromMillis, long toMillis, LineVisitor visitor) {
        long visited = 0;
        lock.lock();
        try {
            long end = Math.min(before, nextSeq);
            for (long pos = Math.max(from, firstSeq); pos < end; pos++) {
                int seen = visit(pos, fromMillis, toMillis, visitor);
                visited += Math.abs(seen);
                if (seen < 0) {
                    return;
                }
            }
        } finally {
            lock.unlock();
            countScanned(visited);
        }
    }

    /**
     * Hands the entry at {@code pos} to the visitor if its time is in range, holding the lock. Returns 0 when the entry
     * was not visited, 1 when it was, -1 when it was and the visitor wants no more.
     */
    private int visit(long pos, long fromMillis, long toMillis, LineVisitor visitor) {
        Entry entry = get(pos);
        if (entry == null) {
            return 0;
        }
        long time = entry.record.eventTime().toEpochMilli();
        if (time < fromMillis || time >= toMillis) {
            return 0;
        }
        byte[] json = entry.record.json().getBytes(StandardCharsets.UTF_8);
        return visitor.visit(pos, json, 0, json.length) ? 1 : -1;
    }

    @Override
    public boolean volatileStorage() {
        return true;
    }

    @Override
    public void close() {
        lock.lock();
        try {
            closed = true;
        } finally {
            lock.unlock();
        }
    }

    /** Returns the bytes held, including per-entry bookkeeping. */
    public long sizeInBytes() {
        lock.lock();
        try {
            return bytes;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public long firstAtOrAfter(long millis) {
        lock.lock();
        try {
            for (long pos = firstSeq; pos < nextSeq; pos++) {
                Entry entry = get(pos);
                if (entry != null && entry.record.eventTime().toEpochMilli() >= millis) {
                    return pos;
                }
            }
            return nextSeq;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public long[] countBacklog(List<? extends Reader> readers) {
        long[] counts = new long[readers.size()];
        lock.lock();
        try {
            for (int i = 0; i < counts.length; i++) {
                Reader reader = readers.get(i);
                for (long pos = Math.max(reader.readPosition(), firstSeq); pos < nextSeq; pos++) {
                    Entry entry = get(pos);
                    if (entry != null && (entry.routes & reader.mask()) != 0) {
                        counts[i]++;
                    }
                }
            }
            return counts;
        } finally {
            lock.unlock();
        }
    }

    /** What the memory journal holds: positions and bytes, never a directory, a segment or an fsync. */
    @Override
    public JournalStatus status() {
        long held;
        long first;
        long next;
        lock.lock();
        try {
            held = bytes;
            first = firstSeq;
            next = nextSeq;
        } finally {
            lock.unlock();
        }
        return new JournalStatus(Durability.MEMORY, null, first, next, 0, 0, held, false, null, null, 0, 0, 0, 0, 0);
    }
}
