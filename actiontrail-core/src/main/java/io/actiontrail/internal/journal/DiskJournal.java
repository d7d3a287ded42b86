package io.actiontrail.internal.journal;

import io.actiontrail.AuditEvent;
import io.actiontrail.Durability;
import io.actiontrail.JournalStatus;
import io.actiontrail.internal.Files2;
import io.actiontrail.internal.InternalApi;
import io.actiontrail.internal.Warnings;
import io.actiontrail.query.Attribute;
import io.actiontrail.query.LookupQuery;
import io.actiontrail.sink.AuditRecord;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadFactory;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * The durable journal: append-only segment files of JSON lines in the data directory, written by one writer thread
 * with group commit, rolled by size and by the hour, with a time index per segment, recovered on open, trimmed by
 * retention and quota. Callers queue events; in {@link Durability#GROUP} mode the writer encodes them, in
 * {@link Durability#SYNC} mode callers encode them and wait until the writer's next fsync covers them. A full or
 * failing disk switches the journal to degraded mode: events wait in memory up to a bound while the writer retries,
 * and the journal recovers by itself. Thread-safe.
 *
 * <p>A façade over the parts that each do one job: {@link DirectoryLock} (one process per directory),
 * {@link JournalRecovery} (what a previous run left), {@link JournalWriter} (queue, group commit, segments; its
 * class comment gives the lock order), {@link SegmentFiles} and {@link Segment} (the files and their time index),
 * {@link JournalReader} (shippers' reads), {@link Retention} (age and quota), {@link TimeScan} (reads by time) and
 * {@link QueryIndex} (the secondary index behind lookups and aggregations, when {@link JournalSettings#queryIndex()}).
 */
@InternalApi
public final class DiskJournal extends AbstractJournal {

    /**
     * The most bytes callers queue before they wait for the writer, while the disk is healthy; never more than the
     * memory reserve, so that a disk found full holds no more in memory than the reserve allows.
     */
    static final long MAX_QUEUED_BYTES = JournalWriter.MAX_QUEUED_BYTES;

    /** The names of what the journal, its shippers, its integrity log and insights keep in the data directory. */
    private static final Pattern OWN_FILES =
            Pattern.compile("(lock|journal\\.id|cursors|integrity|insights|.*\\.(jsonl|idx|qidx))(\\.tmp)?");

    private final Path dir;
    private final JournalSettings settings;
    private final String id;
    private final DirectoryLock lock;
    private final SegmentFiles files;
    private final List<Reader> readers = new CopyOnWriteArrayList<>();
    private final Routing routing = new Routing();
    private final JournalWriter writer;
    private final JournalReader reader;
    private final Retention retention;
    private final TimeScan scan;
    private final @Nullable QueryIndex index;
    private final long recoveredTornBytes;
    private final long corruptLines;

    /**
     * Opens (creating if absent) and recovers the journal in {@code settings.dataDir()}.
     *
     * @throws IllegalStateException if another process or instance uses the directory, or it cannot be used
     */
    public DiskJournal(JournalSettings settings, Clock clock, Warnings warnings) {
        this.settings = settings;
        this.dir = settings.dataDir();
        DirectoryLock locked = null;
        try {
            locked = DirectoryLock.acquire(dir);
            restrictPermissions(dir, warnings);
            JournalRecovery.Result recovered = new JournalRecovery(dir, clock, warnings).recover();
            this.id = recovered.id();
            this.recoveredTornBytes = recovered.tornBytes();
            this.corruptLines = recovered.corruptLines();
            this.files = new SegmentFiles(recovered.segments());
            this.retention = new Retention(dir, settings, clock, warnings, files, readers, routing);
            this.scan = new TimeScan(dir, files, this::head);
            QueryIndex queryIndex = null;
            if (settings.queryIndex()) {
                queryIndex = new QueryIndex(dir, files, scan, this::head, warnings);
                queryIndex.open();
            }
            this.index = queryIndex;
            this.writer = new JournalWriter(
                    dir,
                    settings,
                    clock,
                    warnings,
                    files,
                    this::publish,
                    retention::maintain,
                    readers,
                    routing,
                    queryIndex == null ? segment -> {} : queryIndex::sealed);
            this.reader = new JournalReader(dir, files, this::head, warnings, routing);
            this.lock = locked;
            publish(writer.nextSeq(), 0);
        } catch (IOException e) {
            closeQuietly(locked);
            throw new IllegalStateException(
                    "cannot open the ActionTrail journal in " + dir.toAbsolutePath() + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            closeQuietly(locked);
            throw e;
        }
    }

    /**
     * Makes a data directory that an earlier version or a person created accessible to its owner only, with the
     * journal's own files and directories in it (nothing else a shared directory may hold), and says so once; new
     * directories and files are created owner-only already.
     */
    private static void restrictPermissions(Path dir, Warnings warnings) throws IOException {
        int changed = Files2.restrictOne(dir) ? 1 : 0;
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
            for (Path entry : entries) {
                if (OWN_FILES.matcher(entry.getFileName().toString()).matches()) {
                    changed += Files2.restrictTree(entry);
                }
            }
        }
        if (changed > 0) {
            warnings.warn(
                    "journal-permissions",
                    "ActionTrail: " + changed + " directories and files in " + dir.toAbsolutePath()
                            + " were readable or writable by other users; they are now owner-only");
        }
    }

    private static void closeQuietly(@Nullable DirectoryLock locked) {
        if (locked != null) {
            locked.close();
        }
    }

    /** Starts the writer thread. */
    @Override
    public void start(ThreadFactory threadFactory) {
        writer.start(threadFactory);
        if (index != null) {
            index.start(threadFactory);
        }
    }

    /** Routes the lines this process did not append, or whose bits it no longer holds. */
    @Override
    public void lineRouter(LineRouter router) {
        routing.lineRouter(router);
    }

    /** Adds a reader whose unread events retention must count when it deletes them. */
    @Override
    public void register(Reader reader) {
        readers.add(reader);
    }

    @Override
    public void holdRetention(java.util.function.LongSupplier hold) {
        retention.hold(hold);
    }

    Path dir() {
        return dir;
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public long append(AuditRecord record, Router router) {
        return writer.append(record, router);
    }

    @Override
    public long append(AuditEvent event, Encoding encoding, Router router) {
        return writer.append(event, encoding, router);
    }

    /**
     * Waits until the event at {@code seq} is fsynced, the journal degrades or closes, or the thread is interrupted;
     * for {@link Durability#SYNC}. Never throws.
     */
    @Override
    public void awaitDurable(long seq) {
        writer.awaitDurable(seq);
    }

    @Override
    public void atHead(HeadAction action) {
        writer.atHead(action);
    }

    @Override
    public void tap(Tap tap) {
        writer.tap(tap);
    }

    @Override
    public List<String> missingFiles() {
        List<String> missing = new ArrayList<>(0);
        files.readLock().lock(); // retention deletes under the write lock: what it deleted is gone from the list
        try {
            for (Segment segment : files.list()) {
                if (!Files.exists(segment.path)) {
                    missing.add(String.valueOf(segment.path.getFileName()));
                }
            }
        } finally {
            files.readLock().unlock();
        }
        return missing;
    }

    @Override
    public long firstSeq() {
        return files.list().get(0).firstSeq;
    }

    @Override
    public long nextSeq() {
        return writer.nextSeq();
    }

    @Override
    public long durableSeq() {
        return writer.durableSeq();
    }

    @Override
    public Read read(Reader reader, int maxEvents, long maxBytes, List<Entry> out) {
        return this.reader.read(reader, maxEvents, maxBytes, out);
    }

    @Override
    public @Nullable Instant oldestRouted(Reader reader, long from) {
        return this.reader.oldestRouted(reader, from);
    }

    /** Counts, for each reader, the events routed to it from its read position to the head; for status at start. */
    @Override
    public long[] countBacklog(List<? extends Reader> list) {
        return reader.countBacklog(list);
    }

    /** Returns the position of the first event at or after {@code millis} (by event time), for a trail's start. */
    @Override
    public long firstAtOrAfter(long millis) {
        return scan.firstAtOrAfter(millis);
    }

    @Override
    public void scanBackwards(long before, long fromMillis, long toMillis, LineVisitor visitor) {
        countScanned(scan.scanBackwards(before, fromMillis, toMillis, visitor));
    }

    @Override
    public void scanForwards(long from, long before, long fromMillis, long toMillis, LineVisitor visitor) {
        countScanned(scan.scanForwards(from, before, fromMillis, toMillis, visitor));
    }

    @Override
    public void lookup(
            long from,
            long before,
            long fromMillis,
            long toMillis,
            LookupQuery query,
            boolean newestFirst,
            LineVisitor visitor) {
        QueryIndex i = index;
        if (i == null) {
            super.lookup(from, before, fromMillis, toMillis, query, newestFirst, visitor);
        } else {
            countScanned(i.lookup(from, before, fromMillis, toMillis, query, newestFirst, visitor));
        }
    }

    @Override
    public void aggregate(
            long fromMillis,
            long toMillis,
            LookupQuery query,
            @Nullable Attribute topBy,
            Tally tally,
            LineVisitor visitor) {
        QueryIndex i = index;
        if (i == null) {
            super.aggregate(fromMillis, toMillis, query, topBy, tally, visitor);
        } else {
            i.aggregate(fromMillis, toMillis, query, topBy, tally, visitor);
        }
    }

    /** The segments now, oldest first; for tests. */
    List<Segment> segments() {
        return files.list();
    }

    /** The secondary index, or {@code null} when it is off; for tests. */
    @Nullable
    QueryIndex queryIndex() {
        return index;
    }

    /** Deletes the sealed segments beyond the retention or the quota, counting what shippers had not read. */
    @Override
    public void maintain() {
        retention.maintain();
    }

    @Override
    public boolean volatileStorage() {
        return false;
    }

    @Override
    public JournalStatus status() {
        List<Segment> list = files.list();
        long bytes = 0;
        for (Segment segment : list) {
            bytes += segment.size();
        }
        return new JournalStatus(
                settings.durability(),
                dir,
                list.get(0).firstSeq,
                head(),
                list.size(),
                bytes,
                writer.queuedBytes(),
                writer.degraded(),
                writer.degradedError(),
                writer.degradedSince(),
                recoveredTornBytes,
                corruptLines,
                writer.droppedDiskFull(),
                writer.fsyncs(),
                index == null ? 0 : index.rebuilds());
    }

    /** Unread events stay in the files for the next start: nothing is discarded. */
    @Override
    public long discardUnread(Reader reader) {
        return 0;
    }

    @Override
    public void close() {
        writer.close();
        if (index != null) {
            index.close();
        }
        files.closeAll();
        lock.close();
    }
}
