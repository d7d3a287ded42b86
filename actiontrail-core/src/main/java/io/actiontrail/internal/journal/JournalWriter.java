package io.actiontrail.internal.journal;

import io.actiontrail.AuditEvent;
import io.actiontrail.DeliveryListener;
import io.actiontrail.Durability;
import io.actiontrail.internal.Files2;
import io.actiontrail.internal.Warnings;
import io.actiontrail.sink.AuditRecord;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * The disk journal's writer, with group commit. Callers queue events ({@link #append}); one writer thread takes the
 * whole queue at a time, encodes what was queued unencoded ({@link Durability#GROUP}), appends the lines to the
 * active segment in large chunks, indexes them, publishes the new readable head, fsyncs at least every
 * {@code fsyncInterval} ({@link Durability#SYNC}: after every batch, callers waiting in {@link #awaitDurable}), rolls
 * to a new segment by size and by the hour, and runs retention about once a minute. A failing or full disk degrades
 * the journal: events wait in memory up to the reserve while the writer retries every second.
 *
 * <p>The {@link Durability#GROUP} loss window: a caller is not acknowledged while the oldest event not yet fsynced
 * was appended more than {@code fsyncInterval} ago (it waits for the writer), so a crash loses only events appended
 * within one interval of the newest acknowledged one; the writer fsyncs once the oldest written but unsynced event
 * is half an interval old, so that callers rarely wait. A degraded or closing journal does not hold callers back.
 *
 * <p>Thread-safe. Locks, in the one order in which they may nest — a lock is only ever taken while holding locks
 * to its left, never the other way:
 *
 * <ol>
 *   <li>{@code appendLock} (with its conditions {@code work}, {@code space} and {@code durable}): the queue, the
 *       positions, the durable position, the degraded state. Callers and the writer hold it briefly; the writer
 *       never holds it while it writes, fsyncs or runs retention.
 *   <li>{@link Retention}'s monitor: one maintenance at a time, taken by the writer thread without
 *       {@code appendLock}.
 *   <li>{@link SegmentFiles#writeLock()} (retention deleting files) or {@link SegmentFiles#readLock()} (readers,
 *       lookups), then the segment list's monitor ({@link SegmentFiles#add}, {@link SegmentFiles#removeAll}).
 *   <li>a {@link Segment}'s monitor (its index and read channel), held only inside its own methods.
 *   <li>the readable head's lock in {@link AbstractJournal}: {@link Head#publish} is called with no other lock
 *       held here, and nothing is taken while it is held.
 *   <li>{@link RouteTable}'s monitor, innermost too: taken under {@code appendLock} to keep the bits the router
 *       decided, and by readers (under the read lock) to look them up; nothing is taken while it is held.
 * </ol>
 *
 * <p>Over 500 lines on purpose: the queue, the group commit and the degraded mode share {@code appendLock} and its
 * invariants (queued bytes, the batch in flight, the durable position), which stay readable only in one class.
 */
final class JournalWriter {

    /** Where the writer publishes what it has written; the journal's readable head. */
    interface Head {
        void publish(long newHead, long addedBytes);
    }

    /**
     * The most bytes callers queue before they wait for the writer, while the disk is healthy; never more than the
     * memory reserve, so that a disk found full holds no more in memory than the reserve allows.
     */
    static final long MAX_QUEUED_BYTES = 16L * 1024 * 1024;

    private static final int CHUNK_BYTES = 1024 * 1024;

    private static final long RETRY_NANOS = TimeUnit.SECONDS.toNanos(1);

    private static final long MAINTENANCE_NANOS = TimeUnit.MINUTES.toNanos(1);

    private static final long HOUR_MILLIS = 3_600_000L;

    /**
     * While events keep coming in {@link Durability#GROUP}, the writer looks at the queue this often instead of being
     * woken: a wake-up is a system call on the caller's thread, and callers should pay for an append only.
     */
    private static final long POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(1);

    /** After this long without an event the writer stops polling and sleeps until a caller wakes it. */
    private static final long POLL_WINDOW_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

    /** What a queued event not yet encoded counts for, against the queue's bounds, until the writer encodes it. */
    private static final long DEFERRED_BYTES = 1024;

    /** Callers wake a polling writer anyway once this many bytes wait, so that a burst never waits a whole poll. */
    private static final long WAKE_BYTES = 256L * 1024;

    /** The longest the writer waits for {@link Durability#SYNC} callers to come back before the next fsync. */
    private static final long MAX_GATHER_NANOS = TimeUnit.MICROSECONDS.toNanos(500);

    private final Path dir;
    private final JournalSettings settings;
    private final Clock clock;
    private final Warnings warnings;
    private final SegmentFiles files;
    private final Head head;
    private final Runnable maintenance;
    private final List<Journal.Reader> readers;
    private final Routing routing;
    private final long maxQueuedBytes;
    /** Told of each segment the writer seals, to index it on another thread. */
    private final Consumer<Segment> sealed;

    private final ReentrantLock appendLock = new ReentrantLock();
    private final Condition work = appendLock.newCondition();
    private final Condition space = appendLock.newCondition();
    private final Condition durable = appendLock.newCondition();
    /** {@link AuditRecord}s and {@link Deferred} events, in position order. */
    private ArrayList<Object> queue = new ArrayList<>();

    private long queueFirstSeq;
    private long queuedBytes;
    /** When each record of {@link #queue} was appended, by index. */
    private long[] queueNanos = new long[64];
    /** Whether the writer holds a batch not fully written, and when the batch's oldest unwritten record was appended. */
    private boolean batchInFlight;

    private long batchSinceNanos;
    /**
     * Whether records are written but not yet fsynced, and when the oldest of them was appended: with the batch in
     * flight and the queue, what bounds how old the oldest acknowledged event that a crash would lose can be.
     */
    private boolean writtenUnsynced;

    private long unsyncedSinceNanos;
    private long nextSeq;
    private long durableSeq;
    private boolean closing;
    private boolean writerDone;
    /** Whether the writer waits for its next poll rather than for a caller's wake-up. */
    private boolean writerPolling;
    /** While the writer gathers {@link Durability#SYNC} callers: the queue length at which to wake it; else 0. */
    private int gatherTarget;

    private volatile boolean degraded;
    private volatile @Nullable String degradedError;
    private volatile @Nullable Instant degradedSince;
    private final AtomicLong droppedDiskFull = new AtomicLong();
    private final AtomicLong fsyncs = new AtomicLong();

    private @Nullable Thread writer;

    /** Told of each written batch; set before the writer starts. */
    private volatile Journal.@Nullable Tap tap;

    // the writer thread's own state
    private Segment active;
    private @Nullable FileChannel out;
    private final ByteBuffer chunk = ByteBuffer.allocateDirect(CHUNK_BYTES);
    private final OutputStream chunkStream = new OutputStream() {
        @Override
        public void write(int b) {
            chunk.put((byte) b);
        }

        @Override
        public void write(byte[] b, int off, int len) {
            chunk.put(b, off, len);
        }
    };
    private long lastFsyncNanos = System.nanoTime();
    private long nextMaintenanceNanos = System.nanoTime();
    private boolean unsynced;
    /** When the writer last took a non-empty batch. */
    private long lastDataNanos = System.nanoTime() - POLL_WINDOW_NANOS;
    /** How many records the last {@link Durability#SYNC} fsync covered: about how many callers wait in turn. */
    private int lastSyncBatch;
    /** A moving average of how long an fsync takes. */
    private long fsyncNanosAverage;
    /** Whether a segment was created since the directory was last synced. */
    private boolean directoryDirty;

    JournalWriter(
            Path dir,
            JournalSettings settings,
            Clock clock,
            Warnings warnings,
            SegmentFiles files,
            Head head,
            Runnable maintenance,
            List<Journal.Reader> readers,
            Routing routing,
            Consumer<Segment> sealed)
            throws IOException {
        this.sealed = sealed;
        this.dir = dir;
        this.settings = settings;
        this.clock = clock;
        this.warnings = warnings;
        this.files = files;
        this.head = head;
        this.maintenance = maintenance;
        this.readers = readers;
        this.routing = routing;
        this.maxQueuedBytes = Math.min(MAX_QUEUED_BYTES, settings.overflowBytes());
        List<Segment> list = files.list();
        this.active = list.get(list.size() - 1);
        this.out = FileChannel.open(active.path, StandardOpenOption.WRITE);
        this.nextSeq = active.endSeq();
        this.queueFirstSeq = nextSeq;
        this.durableSeq = nextSeq;
    }

    void start(ThreadFactory threadFactory) {
        Thread thread = threadFactory.newThread(this::runWriter);
        if (thread == null) {
            throw new IllegalStateException("threadFactory returned null for the journal writer");
        }
        thread.setName("actiontrail-journal-writer");
        writer = thread;
        thread.start();
    }

    void tap(Journal.Tap tap) {
        this.tap = tap;
    }

    long append(AuditRecord record, Journal.Router router) {
        return enqueue(record, record.sizeInBytes() + 1L, router);
    }

    /**
     * In {@link Durability#GROUP}, queues the event as it is and leaves the encoding to the writer, which takes it
     * off the caller's thread; counts it as {@link #DEFERRED_BYTES} until then. {@link Durability#SYNC} callers wait
     * for the fsync anyway, and a degraded journal keeps its reserve of encoded events compact.
     */
    long append(AuditEvent event, Journal.Encoding encoding, Journal.Router router) {
        if (settings.durability() != Durability.GROUP || degraded) {
            return append(encoding.encode(event), router);
        }
        return enqueue(new Deferred(event, encoding), DEFERRED_BYTES, router);
    }

    /** An event queued before it is encoded. */
    private record Deferred(AuditEvent event, Journal.Encoding encoding) {}

    /** Queues an {@link AuditRecord} or a {@link Deferred} event counted as {@code size} bytes. */
    private long enqueue(Object item, long size, Journal.Router router) {
        appendLock.lock();
        try {
            long now = System.nanoTime();
            while (!closing && !degraded && ((queuedBytes + size > maxQueuedBytes && queuedBytes > 0) || behind(now))) {
                // the disk is slower than the callers: wait for the writer rather than grow the heap, and rather than
                // acknowledge events that a crash would lose although they are older than the fsync interval
                if (!space.await(1, TimeUnit.SECONDS) && !writerAlive()) {
                    degrade("the journal writer stopped");
                }
                now = System.nanoTime();
            }
            if (closing) {
                return -1;
            }
            if (degraded && queuedBytes + size > settings.overflowBytes()) {
                droppedDiskFull.incrementAndGet();
                return -1;
            }
            long seq = nextSeq++;
            if (queue.size() == queueNanos.length) {
                queueNanos = Arrays.copyOf(queueNanos, queueNanos.length * 2);
            }
            queueNanos[queue.size()] = now;
            queue.add(item);
            queuedBytes += size;
            routing.appended(seq, router.route(seq));
            int queued = queue.size();
            if ((queued == 1 && !writerPolling) || queued == gatherTarget || queuedBytes >= WAKE_BYTES) {
                work.signal(); // cheap when the writer is not waiting
            }
            return seq;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            droppedDiskFull.incrementAndGet();
            return -1;
        } finally {
            appendLock.unlock();
        }
    }

    /**
     * Whether the oldest event not yet fsynced was appended longer than the fsync interval ago: then a caller waits,
     * so that the events acknowledged but not yet durable were all appended within one fsync interval of the newest.
     */
    private boolean behind(long now) {
        long since;
        if (writtenUnsynced) {
            since = unsyncedSinceNanos;
        } else if (batchInFlight) {
            since = batchSinceNanos;
        } else if (!queue.isEmpty()) {
            since = queueNanos[0];
        } else {
            return false;
        }
        return now - since > settings.fsyncInterval().toNanos();
    }

    private boolean writerAlive() {
        Thread thread = writer;
        return thread != null && thread.isAlive();
    }

    /**
     * Waits until the event at {@code seq} is fsynced, the journal degrades or closes, or the thread is interrupted;
     * for {@link Durability#SYNC}. Never throws.
     */
    void awaitDurable(long seq) {
        appendLock.lock();
        try {
            while (durableSeq <= seq && !degraded && !writerDone) {
                if (!durable.await(1, TimeUnit.SECONDS) && !writerAlive()) {
                    return;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            appendLock.unlock();
        }
    }

    void atHead(Journal.HeadAction action) {
        appendLock.lock();
        try {
            action.run(nextSeq);
        } finally {
            appendLock.unlock();
        }
    }

    /** The position after the last event fsynced. */
    long durableSeq() {
        appendLock.lock();
        try {
            return durableSeq;
        } finally {
            appendLock.unlock();
        }
    }

    long nextSeq() {
        appendLock.lock();
        try {
            return nextSeq;
        } finally {
            appendLock.unlock();
        }
    }

    private void degrade(String error) {
        if (!degraded) {
            degradedSince = clock.instant();
        }
        degradedError = error;
        degraded = true;
        durable.signalAll();
        space.signalAll();
    }

    private void runWriter() {
        boolean sync = settings.durability() == Durability.SYNC;
        List<AuditRecord> carry = new ArrayList<>();
        long carryFirstSeq = 0;
        try {
            while (true) {
                List<AuditRecord> batch;
                @Nullable List<Object> taken = null;
                long @Nullable [] appended = null;
                long firstSeq;
                boolean last = false;
                appendLock.lock();
                try {
                    if (carry.isEmpty()) {
                        awaitWork();
                        taken = queue;
                        batch = List.of();
                        firstSeq = queueFirstSeq;
                        appended = queueNanos;
                        batchInFlight = !taken.isEmpty();
                        batchSinceNanos = appended[0];
                        queue = new ArrayList<>();
                        queueNanos = new long[64];
                        queueFirstSeq = nextSeq;
                    } else {
                        batch = carry;
                        firstSeq = carryFirstSeq;
                        carry = new ArrayList<>();
                    }
                    last = closing && queue.isEmpty();
                } finally {
                    appendLock.unlock();
                }
                if (taken != null) {
                    batch = encode(taken);
                }
                if (!batch.isEmpty()) {
                    lastDataNanos = System.nanoTime();
                    if (sync) {
                        lastSyncBatch = batch.size();
                    }
                }
                int written = write(batch, appended);
                Journal.Tap t = tap;
                if (t != null && written > 0) {
                    tap(t, firstSeq, taken != null ? taken : batch, written);
                }
                if (written < batch.size()) {
                    carry = new ArrayList<>(batch.subList(written, batch.size()));
                    carryFirstSeq = firstSeq + written;
                    if (last) {
                        abandon(carry, carryFirstSeq);
                        break;
                    }
                    pause();
                    continue;
                }
                if (unsynced && (sync || fsyncDue() || last)) {
                    fsync();
                }
                if (maintenanceDue()) {
                    nextMaintenanceNanos = System.nanoTime() + MAINTENANCE_NANOS;
                    maintenance.run();
                }
                if (last) {
                    break;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException | Error e) {
            warnings.warn("journal-writer", "ActionTrail: the journal writer failed; events stay in memory", e);
            appendLock.lock();
            try {
                degrade("the journal writer failed: " + e);
            } finally {
                appendLock.unlock();
            }
        } finally {
            Files2.closeQuietly(out);
            appendLock.lock();
            try {
                writerDone = true;
                durable.signalAll();
                space.signalAll();
            } finally {
                appendLock.unlock();
            }
        }
    }

    /** Hands the written events to the tap: each deferred event's object as it was appended, else the record. */
    private void tap(Journal.Tap t, long firstSeq, List<?> source, int written) {
        Object[] items = new Object[written];
        for (int i = 0; i < written; i++) {
            Object item = source.get(i);
            items[i] = item instanceof Deferred deferred ? deferred.event() : item;
        }
        try {
            t.written(firstSeq, items, written);
        } catch (RuntimeException e) {
            warnings.warn("journal-tap", "ActionTrail: a journal tap failed", e);
        }
    }

    /**
     * Encodes the deferred events of a batch taken from the queue, and corrects the queued bytes, which counted each
     * of them as {@link #DEFERRED_BYTES}, to their real size.
     */
    private List<AuditRecord> encode(List<Object> taken) {
        List<AuditRecord> records = new ArrayList<>(taken.size());
        long correction = 0;
        for (Object item : taken) {
            if (item instanceof Deferred deferred) {
                AuditRecord record = deferred.encoding().encode(deferred.event());
                correction += record.sizeInBytes() + 1L - DEFERRED_BYTES;
                records.add(record);
            } else {
                records.add((AuditRecord) item);
            }
        }
        if (correction != 0) {
            appendLock.lock();
            try {
                queuedBytes += correction;
            } finally {
                appendLock.unlock();
            }
        }
        return records;
    }

    /**
     * Waits, holding the append lock, until there is something to do. In {@link Durability#GROUP}, while events keep
     * coming, the writer polls rather than relying on callers to wake it. In {@link Durability#SYNC}, once events are
     * queued it waits a little for the callers that the last fsync released to append again, so that one fsync
     * covers all of them: at most a quarter of an fsync's time, and never longer than {@link #MAX_GATHER_NANOS}.
     */
    private void awaitWork() throws InterruptedException {
        boolean sync = settings.durability() == Durability.SYNC;
        while (queue.isEmpty() && !closing && !fsyncDue() && !maintenanceDue()) {
            long wait = waitNanos();
            writerPolling = !sync && System.nanoTime() - lastDataNanos < POLL_WINDOW_NANOS;
            work.awaitNanos(writerPolling ? Math.min(POLL_NANOS, wait) : wait);
        }
        writerPolling = false;
        if (!sync || queue.isEmpty() || queue.size() >= lastSyncBatch || closing) {
            return;
        }
        long deadline = System.nanoTime() + Math.min(MAX_GATHER_NANOS, fsyncNanosAverage / 4);
        gatherTarget = lastSyncBatch;
        try {
            long left;
            while (queue.size() < gatherTarget && !closing && (left = deadline - System.nanoTime()) > 0) {
                work.awaitNanos(left);
            }
        } finally {
            gatherTarget = 0;
        }
    }

    /**
     * Whether to fsync now: the fsync interval has passed since the last one, or the oldest event written but not
     * fsynced was appended half an interval ago, so that callers rarely wait for the fsync that {@link #behind}
     * demands.
     */
    private boolean fsyncDue() {
        if (!unsynced) {
            return false;
        }
        long now = System.nanoTime();
        long interval = settings.fsyncInterval().toNanos();
        return now - lastFsyncNanos >= interval || now - oldestUnsyncedNanos() >= interval / 2;
    }

    /** When the oldest record written but not yet fsynced was appended; far in the future if there is none. */
    private long oldestUnsyncedNanos() {
        appendLock.lock();
        try {
            return writtenUnsynced
                    ? unsyncedSinceNanos
                    : System.nanoTime() + settings.fsyncInterval().toNanos();
        } finally {
            appendLock.unlock();
        }
    }

    private boolean maintenanceDue() {
        return System.nanoTime() - nextMaintenanceNanos >= 0;
    }

    private long waitNanos() {
        long now = System.nanoTime();
        long wait = nextMaintenanceNanos - now;
        if (unsynced) {
            long interval = settings.fsyncInterval().toNanos();
            wait = Math.min(wait, lastFsyncNanos + interval - now);
            if (writtenUnsynced) { // called holding appendLock
                wait = Math.min(wait, unsyncedSinceNanos + interval / 2 - now);
            }
        }
        return Math.max(1, wait);
    }

    /** Waits before retrying a failed write; returns early when closing. */
    @SuppressWarnings("WaitNotInLoop") // a spurious wake-up only retries sooner
    private void pause() throws InterruptedException {
        appendLock.lock();
        try {
            if (!closing) {
                work.awaitNanos(RETRY_NANOS);
            }
        } finally {
            appendLock.unlock();
        }
    }

    /**
     * Writes records; returns how many were written. A failure degrades the journal and keeps the rest. With the
     * records' append times, tells waiting callers how far the batch got after each piece handed to the system.
     */
    private int write(List<AuditRecord> batch, long @Nullable [] appended) {
        // a batch carried over after a failure has no append times: it counts as appended now
        long firstNanos = appended != null && !batch.isEmpty() ? appended[0] : System.nanoTime();
        int done = 0;
        try {
            long fileSize = active.size();
            long seq = active.endSeq();
            chunk.clear();
            long[] times = new long[Math.min(batch.size(), 4096)];
            int[] lengths = new int[times.length];
            int inChunk = 0;
            for (int i = 0; i < batch.size(); i++) {
                AuditRecord record = batch.get(i);
                int length = record.sizeInBytes();
                boolean roll = shouldRoll(fileSize + chunk.position(), length + 1L);
                if (roll || chunk.remaining() < length + 1 || inChunk == times.length) {
                    fileSize = flushChunk(fileSize, seq, times, lengths, inChunk);
                    seq += inChunk;
                    done = i;
                    inChunk = 0;
                    progress(appended, done, batch.size(), firstNanos);
                    if (roll) {
                        roll(seq);
                        fileSize = 0;
                    }
                }
                if (length + 1 > chunk.capacity()) {
                    writeLarge(record, fileSize, seq);
                    fileSize += length + 1;
                    seq++;
                    done = i + 1;
                    progress(appended, done, batch.size(), firstNanos);
                    continue;
                }
                record.writeTo(chunkStream);
                chunk.put((byte) '\n');
                times[inChunk] = record.eventTime().toEpochMilli();
                lengths[inChunk] = length;
                inChunk++;
            }
            flushChunk(fileSize, seq, times, lengths, inChunk);
            done = batch.size();
            if (degraded) {
                recovered();
            }
        } catch (IOException e) {
            truncateTorn();
            appendLock.lock();
            try {
                degrade(describe(e));
            } finally {
                appendLock.unlock();
            }
            warnings.warn(
                    "journal-degraded",
                    "ActionTrail: cannot write the journal in " + dir + " (" + describe(e) + "); events wait in memory"
                            + " up to " + settings.overflowBytes() + " bytes and the writer retries every second",
                    e);
        }
        long bytes = 0;
        for (int i = 0; i < done; i++) {
            bytes += batch.get(i).sizeInBytes() + 1L;
        }
        appendLock.lock();
        try {
            queuedBytes -= bytes;
            if (done > 0) {
                markWritten(firstNanos);
            }
            if (done == batch.size()) {
                batchInFlight = false;
            }
            space.signalAll();
        } finally {
            appendLock.unlock();
        }
        return done;
    }

    /** The first {@code done} records of the writer's batch, the first appended at {@code firstNanos}, are written. */
    private void progress(long @Nullable [] appended, int done, int size, long firstNanos) {
        if (done == 0 || done >= size) {
            return; // a finished batch is reported by write itself
        }
        appendLock.lock();
        try {
            markWritten(firstNanos);
            if (appended != null) {
                batchSinceNanos = appended[done];
            }
            space.signalAll();
        } finally {
            appendLock.unlock();
        }
    }

    /** Records appended at {@code firstNanos} or later are written and wait for an fsync; holding appendLock. */
    private void markWritten(long firstNanos) {
        if (!writtenUnsynced) {
            writtenUnsynced = true;
            unsyncedSinceNanos = firstNanos;
        }
    }

    private long flushChunk(long fileSize, long seq, long[] times, int[] lengths, int count) throws IOException {
        if (count == 0) {
            chunk.clear();
            return fileSize;
        }
        FileChannel channel = requireOut();
        chunk.flip();
        long at = fileSize;
        while (chunk.hasRemaining()) {
            at += channel.write(chunk, at);
        }
        chunk.clear();
        long offset = fileSize;
        for (int i = 0; i < count; i++) {
            active.indexLine(seq + i, offset, times[i]);
            offset += lengths[i] + 1L;
        }
        active.written(at, seq + count);
        active.lastWriteMillis(clock.millis());
        unsynced = true;
        head.publish(seq + count, at - fileSize);
        return at;
    }

    private void writeLarge(AuditRecord record, long fileSize, long seq) throws IOException {
        byte[] line = (record.json() + "\n").getBytes(StandardCharsets.UTF_8);
        FileChannel channel = requireOut();
        ByteBuffer buffer = ByteBuffer.wrap(line);
        long at = fileSize;
        while (buffer.hasRemaining()) {
            at += channel.write(buffer, at);
        }
        active.indexLine(seq, fileSize, record.eventTime().toEpochMilli());
        active.written(at, seq + 1);
        active.lastWriteMillis(clock.millis());
        unsynced = true;
        head.publish(seq + 1, line.length);
    }

    private FileChannel requireOut() throws IOException {
        FileChannel channel = out;
        if (channel == null || !channel.isOpen()) {
            channel = FileChannel.open(active.path, StandardOpenOption.WRITE);
            out = channel;
        }
        return channel;
    }

    private boolean shouldRoll(long sizeWithChunk, long lineBytes) {
        if (sizeWithChunk == 0) {
            return false;
        }
        if (sizeWithChunk + lineBytes > settings.segmentBytes()) {
            return true;
        }
        return clock.millis() / HOUR_MILLIS != active.createdMillis / HOUR_MILLIS;
    }

    /**
     * Seals the active segment and starts the next. Costs one fsync (the sealed segment's data); the new file's
     * directory entry is synced with the next fsync, which alone moves the durable position, and the index sidecar is
     * written without fsync since a missing or damaged one is rebuilt on open.
     */
    private void roll(long seq) throws IOException {
        Segment next = Segment.create(dir, clock, seq);
        directoryDirty = true;
        FileChannel channel = requireOut();
        channel.force(false);
        Segment previous = active;
        previous.seal();
        try {
            previous.writeIndex();
        } catch (IOException e) {
            warnings.warn(
                    "journal-index",
                    "ActionTrail: cannot write the index of " + previous + "; it is rebuilt" + " on the next start",
                    e);
        }
        Files2.closeQuietly(channel);
        out = null;
        active = next;
        files.add(next);
        sealed.accept(previous);
        unsynced = true; // the next fsync makes the new segment's directory entry durable
        maintainSoon();
    }

    private void maintainSoon() {
        nextMaintenanceNanos = System.nanoTime();
    }

    private void fsync() {
        try {
            long started = System.nanoTime();
            requireOut().force(false);
            long took = System.nanoTime() - started;
            fsyncNanosAverage = fsyncNanosAverage == 0 ? took : fsyncNanosAverage + (took - fsyncNanosAverage) / 8;
            if (directoryDirty) {
                Files2.syncDirectory(dir);
                directoryDirty = false;
            }
            markDurable();
        } catch (IOException e) {
            appendLock.lock();
            try {
                degrade("fsync failed: " + describe(e));
            } finally {
                appendLock.unlock();
            }
            warnings.warn("journal-fsync", "ActionTrail: fsync of the journal failed", e);
        }
    }

    private void markDurable() {
        unsynced = false;
        lastFsyncNanos = System.nanoTime();
        fsyncs.incrementAndGet();
        long end = active.endSeq();
        appendLock.lock();
        try {
            durableSeq = Math.max(durableSeq, end);
            writtenUnsynced = false;
            durable.signalAll();
            space.signalAll();
        } finally {
            appendLock.unlock();
        }
    }

    /** Cuts what a failed write left after the last complete line. */
    private void truncateTorn() {
        try {
            requireOut().truncate(active.size());
        } catch (IOException e) {
            // the tail is cut at the next start at the latest
        }
    }

    private void recovered() {
        appendLock.lock();
        try {
            degraded = false;
            degradedError = null;
            degradedSince = null;
            space.signalAll();
        } finally {
            appendLock.unlock();
        }
        warnings.warn("journal-recovered", "ActionTrail: the journal in " + dir + " is writable again");
    }

    /** At close with a failing disk: the events that could not be written are lost, counted per shipper. */
    private void abandon(List<AuditRecord> records, long firstSeq) {
        droppedDiskFull.addAndGet(records.size());
        for (Journal.Reader reader : readers) {
            long count = 0;
            for (int i = 0; i < records.size(); i++) {
                byte[] json = records.get(i).json().getBytes(StandardCharsets.UTF_8);
                if ((routing.bits(firstSeq + i, json, 0, json.length) & reader.mask()) != 0) {
                    count++;
                }
            }
            if (count > 0) {
                reader.lost(count, DeliveryListener.Dropped.DISK_FULL, "the journal could not be written before close");
            }
        }
    }

    private static String describe(IOException e) {
        String message = e.getMessage();
        return e.getClass().getSimpleName() + (message == null ? "" : ": " + message);
    }

    /** The bytes queued and not yet written. */
    long queuedBytes() {
        appendLock.lock();
        try {
            return queuedBytes;
        } finally {
            appendLock.unlock();
        }
    }

    boolean degraded() {
        return degraded;
    }

    @Nullable
    String degradedError() {
        return degradedError;
    }

    @Nullable
    Instant degradedSince() {
        return degradedSince;
    }

    long droppedDiskFull() {
        return droppedDiskFull.get();
    }

    long fsyncs() {
        return fsyncs.get();
    }

    /** Refuses further appends, lets the writer write and fsync what is queued, and waits for it, up to 10 s. */
    void close() {
        appendLock.lock();
        try {
            closing = true;
            work.signalAll();
            space.signalAll();
        } finally {
            appendLock.unlock();
        }
        Thread thread = writer;
        if (thread != null) {
            try {
                thread.join(TimeUnit.SECONDS.toMillis(10));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
