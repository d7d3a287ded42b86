package io.actiontrail.internal.journal;

import io.actiontrail.AuditEvent;
import io.actiontrail.DeliveryListener;
import io.actiontrail.Durability;
import io.actiontrail.JournalStatus;
import io.actiontrail.internal.Files2;
import io.actiontrail.internal.InternalApi;
import io.actiontrail.internal.Warnings;
import io.actiontrail.internal.codec.LineFields;
import io.actiontrail.sink.AuditRecord;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/**
 * The durable journal: append-only segment files of JSON lines in the data directory, written by one writer thread
 * with group commit, rolled by size and by the hour, with a time index per segment, recovered on open, trimmed by
 * retention and quota. Callers queue events; in {@link Durability#GROUP} mode the writer encodes them, in
 * {@link Durability#SYNC} mode callers encode them and wait until the writer's next fsync covers them. A full or
 * failing disk switches the journal to degraded mode: events wait in memory up to a bound while the writer retries,
 * and the journal recovers by itself. Thread-safe.
 */
@InternalApi
public final class DiskJournal extends AbstractJournal {

    /**
     * The most bytes callers queue before they wait for the writer, while the disk is healthy; never more than the
     * memory reserve, so that a disk found full holds no more in memory than the reserve allows.
     */
    static final long MAX_QUEUED_BYTES = 16L * 1024 * 1024;

    private static final int CHUNK_BYTES = 1024 * 1024;
    private static final int READ_BYTES = 256 * 1024;
    private static final int MAX_LINE_BYTES = 64 * 1024 * 1024;
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
    private final String id;
    private final FileChannel lockChannel;
    private final FileLock fileLock;
    private final List<Reader> readers = new CopyOnWriteArrayList<>();
    private final Map<Reader, long[]> hints = new ConcurrentHashMap<>();

    /** Guards segment deletion: readers hold the read lock while they read files. */
    private final ReentrantReadWriteLock segmentsLock = new ReentrantReadWriteLock();

    private volatile List<Segment> segments;

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
    private final AtomicLong corruptLines = new AtomicLong();
    private final long recoveredTornBytes;
    private final AtomicLong fsyncs = new AtomicLong();
    private final long maxQueuedBytes;

    private @Nullable Thread writer;

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
    private final Object segmentListLock = new Object();
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

    /**
     * Opens (creating if absent) and recovers the journal in {@code settings.dataDir()}.
     *
     * @throws IllegalStateException if another process or instance uses the directory, or it cannot be used
     */
    public DiskJournal(JournalSettings settings, Clock clock, Warnings warnings) {
        this.settings = settings;
        this.maxQueuedBytes = Math.min(MAX_QUEUED_BYTES, settings.overflowBytes());
        this.clock = clock;
        this.warnings = warnings;
        this.dir = settings.dataDir();
        FileChannel channel = null;
        try {
            Files.createDirectories(dir);
            channel = FileChannel.open(dir.resolve("lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock lock;
            try {
                lock = channel.tryLock();
            } catch (OverlappingFileLockException e) {
                lock = null;
            }
            if (lock == null) {
                throw new IllegalStateException("ActionTrail data directory " + dir.toAbsolutePath()
                        + " is in use by another process or ActionTrail instance; give each instance its own dataDir");
            }
            this.lockChannel = channel;
            this.fileLock = lock;
            this.id = loadId();
            Recovery recovery = recover();
            this.segments = List.copyOf(recovery.segments);
            this.recoveredTornBytes = recovery.tornBytes;
            this.active = recovery.segments.get(recovery.segments.size() - 1);
            this.out = FileChannel.open(active.path, StandardOpenOption.WRITE);
            this.nextSeq = active.endSeq();
            this.queueFirstSeq = nextSeq;
            this.durableSeq = nextSeq;
            publish(nextSeq, 0);
        } catch (IOException e) {
            closeQuietly(channel);
            throw new IllegalStateException(
                    "cannot open the ActionTrail journal in " + dir.toAbsolutePath() + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            closeQuietly(channel);
            throw e;
        }
    }

    public void start(ThreadFactory threadFactory) {
        Thread thread = threadFactory.newThread(this::runWriter);
        if (thread == null) {
            throw new IllegalStateException("threadFactory returned null for the journal writer");
        }
        thread.setName("actiontrail-journal-writer");
        writer = thread;
        thread.start();
    }

    public void register(Reader reader) {
        readers.add(reader);
    }

    Path dir() {
        return dir;
    }

    // ---------------------------------------------------------------- recovery

    private record Recovery(List<Segment> segments, long tornBytes) {}

    private String loadId() throws IOException {
        Path file = dir.resolve("journal.id");
        if (Files.isRegularFile(file)) {
            String text = Files.readString(file, StandardCharsets.UTF_8).strip();
            if (!text.isEmpty()) {
                return text;
            }
        }
        String fresh = UUID.randomUUID().toString();
        Files2.writeAtomically(file, fresh.getBytes(StandardCharsets.UTF_8));
        return fresh;
    }

    private Recovery recover() throws IOException {
        List<Segment> found = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path file : (Iterable<Path>) files::iterator) {
                String name = file.getFileName().toString();
                if (name.endsWith(Files2.TEMP_SUFFIX)) {
                    Files.deleteIfExists(file); // an atomic write that a crash interrupted
                    continue;
                }
                Segment segment = Segment.fromFile(file);
                if (segment != null) {
                    found.add(segment);
                }
            }
        }
        found.sort((a, b) -> Long.compare(a.firstSeq, b.firstSeq));
        long torn = 0;
        for (int i = 0; i < found.size(); i++) {
            Segment segment = found.get(i);
            boolean last = i == found.size() - 1;
            long fileSize = Files.size(segment.path);
            if (!last && segment.loadIndex(fileSize)) {
                segment.seal();
                continue;
            }
            torn += rebuild(segment, last);
            segment.lastWriteMillis(Files.getLastModifiedTime(segment.path).toMillis());
            if (!last) {
                segment.seal();
                try {
                    segment.writeIndex();
                } catch (IOException e) {
                    warnings.warn("journal-index", "ActionTrail: cannot write the index of " + segment, e);
                }
            }
        }
        for (int i = 1; i < found.size(); i++) {
            if (found.get(i - 1).endSeq() != found.get(i).firstSeq) {
                warnings.warn(
                        "journal-gap",
                        "ActionTrail: journal segments " + found.get(i - 1) + " and " + found.get(i)
                                + " do not join; positions " + found.get(i - 1).endSeq() + " to "
                                + found.get(i).firstSeq + " are missing (deleted by hand?)");
            }
        }
        if (found.isEmpty()) {
            found.add(createSegment(0));
            Files2.syncDirectory(dir);
        }
        if (torn > 0) {
            warnings.warn(
                    "journal-torn",
                    "ActionTrail: cut " + torn + " bytes of an incomplete last write from the journal in " + dir
                            + " (the process ended while writing)");
        }
        return new Recovery(found, torn);
    }

    /**
     * Rebuilds a segment's index by reading it. In the last segment, bytes after the last valid line (a write the
     * process did not finish) are cut off; returns how many.
     */
    private long rebuild(Segment segment, boolean last) throws IOException {
        segment.clearIndex();
        long[] position = {segment.firstSeq, 0, 0}; // next seq, offset of next line, end of last valid line
        long fileSize = Files.size(segment.path);
        long corrupt = forEachLine(segment, 0, fileSize, (buf, off, len, lineOffset) -> {
            long seq = position[0]++;
            try {
                LineFields fields = LineFields.parse(buf, off, len);
                segment.indexLine(seq, lineOffset, fields.eventTimeMillis);
                position[2] = lineOffset + len + 1;
                segment.written(position[2], seq + 1);
            } catch (IllegalArgumentException e) {
                segment.written(lineOffset + len + 1, seq + 1);
            }
            position[1] = lineOffset + len + 1;
            return true;
        });
        long keep = last ? position[2] : position[1];
        if (last && keep < fileSize) {
            try (FileChannel channel = FileChannel.open(segment.path, StandardOpenOption.WRITE)) {
                channel.truncate(keep);
                channel.force(true);
            }
            // lines after the last valid one are not part of the journal
            long validEnd = segment.endSeq();
            long lines = 0;
            if (position[1] > keep) {
                lines = countLines(segment, keep, position[1]);
            }
            segment.written(keep, validEnd - lines);
            corrupt -= Math.min(corrupt, lines);
            corruptLines.addAndGet(corrupt);
            return fileSize - keep;
        }
        corruptLines.addAndGet(corrupt);
        return 0;
    }

    private long countLines(Segment segment, long from, long to) throws IOException {
        long[] count = {0};
        forEachLine(segment, from, to, (buf, off, len, lineOffset) -> {
            count[0]++;
            return true;
        });
        return count[0];
    }

    /** Creates an empty segment file; its directory entry is made durable by the caller or the next fsync. */
    private Segment createSegment(long firstSeq) throws IOException {
        long now = clock.millis();
        Segment segment = new Segment(dir.resolve(Segment.fileName(firstSeq, now)), firstSeq, now);
        Files.newByteChannel(segment.path, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)
                .close();
        return segment;
    }

    // ---------------------------------------------------------------- line reading

    /** Receives one line; returns {@code false} to stop. */
    interface LineHandler {
        boolean line(byte[] buf, int offset, int length, long fileOffset) throws IOException;
    }

    /**
     * Calls {@code handler} for every complete line between {@code from} and {@code to}; returns how many lines could
     * not be parsed by the caller's count (here: lines too long to hold, skipped).
     */
    private long forEachLine(Segment segment, long from, long to, LineHandler handler) throws IOException {
        FileChannel channel = segment.channel();
        byte[] buf = new byte[READ_BYTES];
        int filled = 0;
        long bufOffset = from; // file offset of buf[0]
        long skipped = 0;
        boolean skipping = false;
        while (true) {
            long readAt = bufOffset + filled;
            if (readAt >= to) {
                return skipped; // bytes after the last newline are an incomplete line
            }
            int want = (int) Math.min(buf.length - filled, to - readAt);
            int n = channel.read(ByteBuffer.wrap(buf, filled, want), readAt);
            if (n <= 0) {
                return skipped;
            }
            filled += n;
            int start = 0;
            for (int i = 0; i < filled; i++) {
                if (buf[i] != '\n') {
                    continue;
                }
                if (skipping) {
                    skipping = false;
                } else if (!handler.line(buf, start, i - start, bufOffset + start)) {
                    return skipped;
                }
                start = i + 1;
            }
            if (start == 0 && filled == buf.length) {
                if (buf.length < MAX_LINE_BYTES) {
                    buf = java.util.Arrays.copyOf(buf, buf.length * 2);
                    continue;
                }
                skipping = true; // a line longer than any event can be: corrupt, skip to the next newline
                skipped++;
                bufOffset += filled;
                filled = 0;
                continue;
            }
            System.arraycopy(buf, start, buf, 0, filled - start);
            bufOffset += start;
            filled -= start;
        }
    }

    // ---------------------------------------------------------------- appending

    @Override
    public String id() {
        return id;
    }

    @Override
    public long append(AuditRecord record, Router router) {
        return enqueue(record, record.sizeInBytes() + 1L, router);
    }

    /**
     * In {@link Durability#GROUP}, queues the event as it is and leaves the encoding to the writer, which takes it
     * off the caller's thread; counts it as {@link #DEFERRED_BYTES} until then. {@link Durability#SYNC} callers wait
     * for the fsync anyway, and a degraded journal keeps its reserve of encoded events compact.
     */
    @Override
    public long append(AuditEvent event, Encoding encoding, Router router) {
        if (settings.durability() != Durability.GROUP || degraded) {
            return append(encoding.encode(event), router);
        }
        return enqueue(new Deferred(event, encoding), DEFERRED_BYTES, router);
    }

    /** An event queued before it is encoded. */
    private record Deferred(AuditEvent event, Encoding encoding) {}

    /** Queues an {@link AuditRecord} or a {@link Deferred} event counted as {@code size} bytes. */
    private long enqueue(Object item, long size, Router router) {
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
            router.route(seq);
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

    /** Whether the oldest event not yet handed to the operating system waits longer than the fsync interval. */
    private boolean behind(long now) {
        long since;
        if (batchInFlight) {
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
    public void awaitDurable(long seq) {
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

    @Override
    public void atHead(HeadAction action) {
        appendLock.lock();
        try {
            action.run(nextSeq);
        } finally {
            appendLock.unlock();
        }
    }

    @Override
    public long firstSeq() {
        return segments.get(0).firstSeq;
    }

    @Override
    public long nextSeq() {
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

    // ---------------------------------------------------------------- the writer

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
                    maintain();
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
            closeQuietly(out);
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

    private boolean fsyncDue() {
        return unsynced
                && System.nanoTime() - lastFsyncNanos
                        >= settings.fsyncInterval().toNanos();
    }

    private boolean maintenanceDue() {
        return System.nanoTime() - nextMaintenanceNanos >= 0;
    }

    private long waitNanos() {
        long now = System.nanoTime();
        long wait = nextMaintenanceNanos - now;
        if (unsynced) {
            wait = Math.min(wait, lastFsyncNanos + settings.fsyncInterval().toNanos() - now);
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
                    progress(appended, done, batch.size());
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
                    progress(appended, done, batch.size());
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
            if (done == batch.size()) {
                batchInFlight = false;
            }
            space.signalAll();
        } finally {
            appendLock.unlock();
        }
        return done;
    }

    /** The first {@code done} records of the writer's batch are handed to the system. */
    private void progress(long @Nullable [] appended, int done, int size) {
        if (appended == null || done == 0 || done >= size) {
            return; // a finished batch is reported by write itself
        }
        appendLock.lock();
        try {
            batchSinceNanos = appended[done];
            space.signalAll();
        } finally {
            appendLock.unlock();
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
        publish(seq + count, at - fileSize);
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
        publish(seq + 1, line.length);
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
        Segment next = createSegment(seq);
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
        closeQuietly(channel);
        out = null;
        active = next;
        synchronized (segmentListLock) {
            List<Segment> list = new ArrayList<>(segments);
            list.add(next);
            segments = List.copyOf(list);
        }
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
            durable.signalAll();
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
        for (Reader reader : readers) {
            long count = 0;
            for (int i = 0; i < records.size(); i++) {
                byte[] json = records.get(i).json().getBytes(StandardCharsets.UTF_8);
                try {
                    if (reader.routes(firstSeq + i, LineFields.parse(json, 0, json.length))) {
                        count++;
                    }
                } catch (IllegalArgumentException e) {
                    // not routable
                }
            }
            if (count > 0) {
                reader.lost(count, DeliveryListener.Dropped.DISK_FULL, "the journal could not be written before close");
            }
        }
    }

    // ---------------------------------------------------------------- retention and quota

    /** Deletes the sealed segments beyond the retention or the quota, counting what shippers had not read. */
    public synchronized void maintain() {
        List<Segment> current = segments;
        long cutoff = clock.millis() - settings.retention().toMillis();
        long total = 0;
        for (Segment segment : current) {
            total += segment.size();
        }
        List<Segment> delete = new ArrayList<>();
        List<String> reasons = new ArrayList<>();
        for (int i = 0; i + 1 < current.size(); i++) {
            Segment segment = current.get(i);
            if (!segment.sealed()) {
                break;
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
        segmentsLock.writeLock().lock();
        try {
            for (int i = 0; i < delete.size(); i++) {
                deleteSegment(delete.get(i), reasons.get(i));
            }
            synchronized (segmentListLock) {
                List<Segment> kept = new ArrayList<>(segments);
                kept.removeAll(delete);
                segments = List.copyOf(kept);
            }
        } finally {
            segmentsLock.writeLock().unlock();
        }
        Files2.syncDirectory(dir);
    }

    private void deleteSegment(Segment segment, String reason) {
        for (Reader reader : readers) {
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
            Files.deleteIfExists(segment.indexPath());
            Files.deleteIfExists(segment.path);
        } catch (IOException e) {
            warnings.warn("journal-delete", "ActionTrail: cannot delete journal segment " + segment, e);
        }
    }

    private long countRouted(Segment segment, Reader reader, long from) {
        long[] count = {0};
        try {
            forEachLineFrom(segment, from, Long.MAX_VALUE, (seq, buf, off, len) -> {
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

    /** Receives one line with its position; returns {@code false} to stop. */
    private interface PositionedLine {
        boolean line(long seq, byte[] buf, int offset, int length);
    }

    /** Calls {@code handler} for the lines of a segment at positions from {@code from} up to {@code limit}. */
    private void forEachLineFrom(Segment segment, long from, long limit, PositionedLine handler) throws IOException {
        Segment.Block block = segment.blockOf(Math.max(from, segment.firstSeq));
        long[] seq = {block == null ? segment.firstSeq : block.seq()};
        forEachLine(segment, block == null ? 0 : block.offset(), segment.size(), (buf, off, len, at) -> {
            long s = seq[0]++;
            if (s >= limit) {
                return false;
            }
            return s < from || handler.line(s, buf, off, len);
        });
    }

    private boolean routes(Reader reader, long seq, byte[] buf, int off, int len) {
        try {
            return reader.routes(seq, LineFields.parse(buf, off, len));
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    // ---------------------------------------------------------------- reading

    @Override
    public Read read(Reader reader, int maxEvents, long maxBytes, List<Entry> out) {
        segmentsLock.readLock().lock();
        try {
            List<Segment> list = segments;
            long pos = Math.max(reader.readPosition(), list.get(0).firstSeq);
            long limit = head();
            int[] events = {0};
            long[] taken = {0};
            boolean[] full = {false};
            while (pos < limit && !full[0]) {
                Segment segment = segmentOf(list, pos);
                if (segment == null) {
                    break;
                }
                long end = Math.min(segment.endSeq(), limit);
                if (pos >= end) {
                    if (segment.sealed()) {
                        Segment next = nextAfter(list, segment);
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
                forEachLine(segment, startOffset, segment.size(), (buf, off, len, at) -> {
                    long seq = cursor[0];
                    if (seq >= stopSeq) {
                        return false;
                    }
                    if (seq >= from) {
                        LineFields fields;
                        try {
                            fields = LineFields.parse(buf, off, len);
                        } catch (IllegalArgumentException e) {
                            fields = null; // counted at recovery; nobody's event
                        }
                        if (fields != null && reader.routes(seq, fields)) {
                            if (events[0] >= maxEvents || (!out.isEmpty() && taken[0] + len > maxBytes)) {
                                full[0] = true;
                                return false;
                            }
                            out.add(new Entry(seq, fields.toRecord(buf, off, len), reader.mask(), now));
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
            return new Read(pos, full[0]);
        } catch (IOException e) {
            warnings.warn("journal-read", "ActionTrail: cannot read the journal in " + dir + "; will retry", e);
            return new Read(reader.readPosition(), false);
        } finally {
            segmentsLock.readLock().unlock();
        }
    }

    private static @Nullable Segment segmentOf(List<Segment> list, long seq) {
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

    private static @Nullable Segment nextAfter(List<Segment> list, Segment segment) {
        int i = list.indexOf(segment);
        return i >= 0 && i + 1 < list.size() ? list.get(i + 1) : null;
    }

    @Override
    @Nullable
    public Instant oldestRouted(Reader reader, long from) {
        Instant[] found = {null};
        segmentsLock.readLock().lock();
        try {
            List<Segment> list = segments;
            long limit = head();
            for (Segment segment : list) {
                if (segment.endSeq() <= from || segment.firstSeq >= limit) {
                    continue;
                }
                forEachLineFrom(segment, from, limit, (seq, buf, off, len) -> {
                    try {
                        LineFields fields = LineFields.parse(buf, off, len);
                        if (reader.routes(seq, fields)) {
                            found[0] = Instant.ofEpochMilli(fields.eventTimeMillis);
                            return false;
                        }
                    } catch (IllegalArgumentException e) {
                        // a corrupt line is nobody's pending event
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
            segmentsLock.readLock().unlock();
        }
        return found[0];
    }

    /** Counts, for each reader, the events routed to it from its read position to the head; for status at start. */
    public long[] countBacklog(List<? extends Reader> list) {
        long[] counts = new long[list.size()];
        if (list.isEmpty()) {
            return counts;
        }
        long min = Long.MAX_VALUE;
        for (Reader reader : list) {
            min = Math.min(min, reader.readPosition());
        }
        long limit = head();
        long from = min;
        segmentsLock.readLock().lock();
        try {
            for (Segment segment : segments) {
                if (segment.endSeq() <= from || segment.firstSeq >= limit) {
                    continue;
                }
                forEachLineFrom(segment, from, limit, (seq, buf, off, len) -> {
                    LineFields fields;
                    try {
                        fields = LineFields.parse(buf, off, len);
                    } catch (IllegalArgumentException e) {
                        return true;
                    }
                    for (int i = 0; i < counts.length; i++) {
                        Reader reader = list.get(i);
                        if (seq >= reader.readPosition() && reader.routes(seq, fields)) {
                            counts[i]++;
                        }
                    }
                    return true;
                });
            }
        } catch (IOException e) {
            warnings.warn("journal-read", "ActionTrail: cannot read the journal in " + dir, e);
        } finally {
            segmentsLock.readLock().unlock();
        }
        return counts;
    }

    /** Returns the position of the first event at or after {@code millis} (by event time), for a trail's start. */
    public long firstAtOrAfter(long millis) {
        segmentsLock.readLock().lock();
        try {
            long limit = head();
            for (Segment segment : segments) {
                int blocks = segment.blockCount();
                for (int b = 0; b < blocks; b++) {
                    Segment.Block block = segment.block(b);
                    if (block.maxTime() < millis) {
                        continue;
                    }
                    long[] seq = {block.seq()};
                    long[] found = {-1};
                    forEachLine(segment, block.offset(), block.end(), (buf, off, len, at) -> {
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
            segmentsLock.readLock().unlock();
        }
    }

    @Override
    public void scanBackwards(long before, long fromMillis, long toMillis, LineVisitor visitor) {
        long visited = 0;
        segmentsLock.readLock().lock();
        try {
            List<Segment> list = segments;
            long limit = Math.min(before, head());
            for (int s = list.size() - 1; s >= 0; s--) {
                Segment segment = list.get(s);
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
                        int[] line = lines.get(i);
                        visited++;
                        if (!visitor.visit(seq, bytes, line[0], line[1])) {
                            return;
                        }
                    }
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot read the journal in " + dir + ": " + e.getMessage(), e);
        } finally {
            segmentsLock.readLock().unlock();
            countScanned(visited);
        }
    }

    // ---------------------------------------------------------------- status and close

    @Override
    public boolean volatileStorage() {
        return false;
    }

    public JournalStatus status() {
        List<Segment> list = segments;
        long bytes = 0;
        for (Segment segment : list) {
            bytes += segment.size();
        }
        long queued;
        appendLock.lock();
        try {
            queued = queuedBytes;
        } finally {
            appendLock.unlock();
        }
        return new JournalStatus(
                settings.durability(),
                dir,
                list.get(0).firstSeq,
                head(),
                list.size(),
                bytes,
                queued,
                degraded,
                degradedError,
                degradedSince,
                recoveredTornBytes,
                corruptLines.get(),
                droppedDiskFull.get(),
                fsyncs.get());
    }

    @Override
    public void close() {
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
        segmentsLock.writeLock().lock();
        try {
            for (Segment segment : segments) {
                segment.closeChannel();
            }
        } finally {
            segmentsLock.writeLock().unlock();
        }
        try {
            fileLock.release();
        } catch (IOException e) {
            // released when the channel closes
        }
        closeQuietly(lockChannel);
    }

    private static String describe(IOException e) {
        String message = e.getMessage();
        return e.getClass().getSimpleName() + (message == null ? "" : ": " + message);
    }

    private static void closeQuietly(@Nullable AutoCloseable closeable) {
        if (closeable != null) {
            try {
                closeable.close();
            } catch (Exception e) {
                // nothing more to release
            }
        }
    }
}
