package io.actiontrail.internal.journal;

import io.actiontrail.Durability;
import io.actiontrail.JournalStatus;
import io.actiontrail.internal.Warnings;
import io.actiontrail.internal.codec.LineFields;
import io.actiontrail.query.Attribute;
import io.actiontrail.query.LookupQuery;
import io.actiontrail.sink.AuditRecord;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/**
 * A disk journal's directory read by a process that does not own it: the segments and their time indexes as
 * {@link JournalRecovery} would find them, but without its writes — no id file is created, no interrupted temporary
 * file deleted, no torn last line cut off (it is simply not read: only lines that end in a newline are), no index
 * sidecar written — and without the {@link DirectoryLock}. {@link #refresh()} takes in what the writing process did
 * since: lines appended to the last segment, segments it rolled to, segments retention deleted. Sealed segments'
 * {@code .idx} sidecars and {@code .qidx} query indexes are read when valid; otherwise the time index is built in
 * memory and the segment scanned, and the last segment is indexed in memory as {@link QueryIndex} indexes an active
 * one. Appends and shippers' reads are refused. Thread-safe: {@link #refresh()} runs under this object's monitor and
 * removes segments under the segments' write lock; reads are those of {@link DiskJournal}.
 */
final class ReadOnlyDiskJournal extends AbstractJournal {

    private final Path dir;
    private final String id;
    private final SegmentFiles files;
    private final TimeScan scan;
    private final QueryIndex index;
    /** Sealed segments whose query index file was not there yet: tried again while it is absent. Guarded by this. */
    private final Set<Segment> awaitingIndex = new HashSet<>();

    /**
     * Opens the journal in {@code dir} for reading.
     *
     * @throws IllegalArgumentException if {@code dir} is not a directory or holds no journal segment
     * @throws UncheckedIOException if the directory cannot be read
     */
    ReadOnlyDiskJournal(Path dir) {
        this.dir = dir;
        if (!Files.isDirectory(dir)) {
            throw new IllegalArgumentException("not a directory: " + dir);
        }
        try {
            this.id = readId(dir);
            List<Segment> found = listSegments(dir);
            if (found.isEmpty()) {
                throw new IllegalArgumentException("no ActionTrail journal in " + dir
                        + ": it holds no segment file (<position>-<time>" + Segment.SUFFIX + ")");
            }
            this.files = new SegmentFiles(found);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the journal in " + dir + ": " + e.getMessage(), e);
        }
        this.scan = new TimeScan(dir, files, this::head);
        this.index = new QueryIndex(dir, files, scan, this::head, new Warnings());
        refresh();
    }

    private static String readId(Path dir) throws IOException {
        Path file = dir.resolve("journal.id");
        if (Files.isRegularFile(file)) {
            String text = Files.readString(file, StandardCharsets.UTF_8).strip();
            if (!text.isEmpty()) {
                return text;
            }
        }
        return "read-only:" + dir.toAbsolutePath().normalize();
    }

    private static List<Segment> listSegments(Path dir) throws IOException {
        List<Segment> found = new ArrayList<>();
        try (Stream<Path> all = Files.list(dir)) {
            for (Path file : (Iterable<Path>) all::iterator) {
                Segment segment = Segment.fromFile(file);
                if (segment != null) {
                    found.add(segment);
                }
            }
        }
        found.sort((a, b) -> Long.compare(a.firstSeq, b.firstSeq));
        return found;
    }

    /**
     * Takes in what the writing process did since the last call: forgets deleted segments, adds the ones it rolled
     * to, indexes the lines appended since, and moves the readable head.
     *
     * @throws UncheckedIOException if the directory cannot be read
     */
    synchronized void refresh() {
        try {
            List<Segment> current = files.list();
            Map<Path, Segment> known = new HashMap<>();
            for (Segment segment : current) {
                known.put(segment.path.getFileName(), segment);
            }
            List<Segment> added = new ArrayList<>();
            for (Segment segment : listSegments(dir)) {
                if (known.remove(segment.path.getFileName()) == null) {
                    added.add(segment);
                }
            }
            if (!known.isEmpty()) {
                forget(List.copyOf(known.values()));
            }
            for (Segment segment : added) {
                List<Segment> list = files.list();
                // a file older than the newest segment known was not rolled to: it is not part of this journal's order
                if (list.isEmpty() || segment.firstSeq > list.get(list.size() - 1).firstSeq) {
                    files.add(segment);
                }
            }
            List<Segment> list = files.list();
            for (int i = 0; i < list.size(); i++) {
                catchUp(list.get(i), i == list.size() - 1);
            }
            awaitingIndex.removeIf(segment -> !list.contains(segment) || loadIndex(segment));
            if (!list.isEmpty()) {
                long end = list.get(list.size() - 1).endSeq();
                if (end > head()) {
                    publish(end, 0);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the journal in " + dir + ": " + e.getMessage(), e);
        }
    }

    /** Drops segments whose files are gone, once no reader reads them. */
    private void forget(List<Segment> gone) {
        files.writeLock().lock();
        try {
            files.removeAll(gone);
            for (Segment segment : gone) {
                segment.closeChannel();
            }
        } finally {
            files.writeLock().unlock();
        }
    }

    /**
     * Indexes the complete lines appended to {@code segment} since the last call; a segment that is no longer the last
     * one is complete and sealed, through its sidecar when that is valid, and its query index file is loaded.
     */
    private void catchUp(Segment segment, boolean last) throws IOException {
        if (segment.sealed()) {
            return;
        }
        long fileSize;
        try {
            fileSize = Files.size(segment.path);
        } catch (NoSuchFileException e) {
            return; // deleted meanwhile: forgotten at the next refresh
        }
        if (!last && segment.blockCount() == 0 && segment.size() == 0 && segment.loadIndex(fileSize)) {
            seal(segment);
            return;
        }
        if (fileSize > segment.size()) {
            long[] seq = {segment.endSeq()};
            segment.forEachLine(segment.size(), fileSize, (buf, off, len, at) -> {
                long s = seq[0]++;
                try {
                    segment.indexLine(s, at, LineFields.parse(buf, off, len).eventTimeMillis);
                } catch (IllegalArgumentException e) {
                    // not a readable event: it keeps its position and matches nothing
                }
                segment.written(at + len + 1, s + 1);
                return true;
            });
        }
        if (!last) {
            seal(segment);
        }
    }

    private void seal(Segment segment) {
        segment.seal();
        if (!loadIndex(segment)) {
            awaitingIndex.add(segment);
        }
    }

    /** Loads the query index file of a sealed segment; returns whether there is nothing more to wait for. */
    private boolean loadIndex(Segment segment) {
        if (!Files.isRegularFile(SegmentIndex.path(segment))) {
            return false; // the writing process may not have written it yet
        }
        index.load(segment);
        return true; // present: loaded if valid, else never read (the segment is scanned)
    }

    Path dir() {
        return dir;
    }

    @Override
    public String id() {
        return id;
    }

    /** Refused: nothing is ever appended here. */
    @Override
    public long append(AuditRecord record, Router router) {
        return -1;
    }

    @Override
    public void atHead(HeadAction action) {
        action.run(nextSeq());
    }

    @Override
    public long firstSeq() {
        List<Segment> list = files.list();
        return list.isEmpty() ? head() : list.get(0).firstSeq;
    }

    @Override
    public long nextSeq() {
        return head();
    }

    /** Refused: a read-only journal has no shippers. */
    @Override
    public Read read(Reader reader, int maxEvents, long maxBytes, List<Entry> out) {
        throw new UnsupportedOperationException("a journal opened read-only has no shippers");
    }

    @Override
    public @Nullable Instant oldestRouted(Reader reader, long from) {
        return null;
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
        countScanned(index.lookup(from, before, fromMillis, toMillis, query, newestFirst, visitor));
    }

    @Override
    public void aggregate(
            long fromMillis,
            long toMillis,
            LookupQuery query,
            @Nullable Attribute topBy,
            Tally tally,
            LineVisitor visitor) {
        index.aggregate(fromMillis, toMillis, query, topBy, tally, visitor);
    }

    /** Whether the query index file of {@code segment} is in use; for tests. */
    boolean indexed(Segment segment) {
        return index.indexed(segment);
    }

    /** The segments now, oldest first; for tests. */
    List<Segment> segments() {
        return files.list();
    }

    @Override
    public boolean volatileStorage() {
        return false;
    }

    @Override
    public long firstAtOrAfter(long millis) {
        return scan.firstAtOrAfter(millis);
    }

    @Override
    public long[] countBacklog(List<? extends Reader> readers) {
        return new long[readers.size()];
    }

    @Override
    public JournalStatus status() {
        List<Segment> list = files.list();
        long bytes = 0;
        for (Segment segment : list) {
            bytes += segment.size();
        }
        return new JournalStatus(
                Durability.GROUP, dir, firstSeq(), head(), list.size(), bytes, 0, false, null, null, 0, 0, 0, 0, 0);
    }

    @Override
    public long discardUnread(Reader reader) {
        return 0;
    }

    @Override
    public void close() {
        index.close();
        files.closeAll();
    }
}
