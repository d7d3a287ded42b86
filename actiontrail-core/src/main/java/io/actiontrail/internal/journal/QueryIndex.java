package io.actiontrail.internal.journal;

import io.actiontrail.internal.Files2;
import io.actiontrail.internal.Warnings;
import io.actiontrail.query.Attribute;
import io.actiontrail.query.Condition;
import io.actiontrail.query.LookupQuery;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.BitSet;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/**
 * The journal's secondary index: per sealed segment a {@link SegmentIndex} file, for the active segment an
 * {@link IndexBuilder} in memory that queries bring up to date, and the thread that writes a segment's file when the
 * writer seals it ({@link #sealed}) and rebuilds the files found missing or damaged at open. The index only chooses
 * which lines a lookup reads; the lookup's visitor checks every line it is given, and a segment without a usable index
 * is scanned, so a missing or damaged index costs speed, never an answer. An aggregation counts from the index alone
 * when the index answers its conditions exactly (no free text, values without unpaired surrogates), else from the
 * lines. Thread-safe: queries hold the segments' read lock, then an {@link IndexBuilder}'s monitor.
 *
 * <p>Over 500 lines on purpose: the indexer thread, the lookups and the aggregations share the map of usable segment
 * indexes and its rules (which file may be read, when one is dropped and rebuilt); the file format is in
 * {@link SegmentIndex} and the active segment's index in {@link IndexBuilder}.
 */
final class QueryIndex implements AutoCloseable {

    private static final long IDLE_MILLIS = 500;

    private final Path dir;
    private final SegmentFiles files;
    private final TimeScan scan;
    private final LongSupplier head;
    private final Warnings warnings;
    private final ConcurrentHashMap<Segment, SegmentIndex> sealed = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<Segment, IndexBuilder> live = new ConcurrentHashMap<>();
    private final LinkedBlockingQueue<Segment> pending = new LinkedBlockingQueue<>();
    private final AtomicLong rebuilds = new AtomicLong();
    private volatile boolean closed;
    private volatile @Nullable Thread thread;
    /** Queued at close to wake the indexer; never a segment of the journal. */
    private final Segment stop;

    QueryIndex(Path dir, SegmentFiles files, TimeScan scan, LongSupplier head, Warnings warnings) {
        this.dir = dir;
        this.stop = new Segment(dir.resolve("stop"), -1, 0);
        this.files = files;
        this.scan = scan;
        this.head = head;
        this.warnings = warnings;
    }

    /**
     * Loads the index files of the sealed segments and queues those missing or damaged for a rebuild (counted), and
     * deletes index files whose segment is gone.
     */
    void open() {
        List<Segment> list = files.list();
        Set<Path> expected = new HashSet<>();
        for (Segment segment : list) {
            expected.add(SegmentIndex.path(segment).getFileName());
            if (!segment.sealed()) {
                continue;
            }
            SegmentIndex index = SegmentIndex.load(segment);
            if (index != null) {
                sealed.put(segment, index);
            } else {
                rebuilds.incrementAndGet();
                pending.add(segment);
            }
        }
        try (Stream<Path> all = Files.list(dir)) {
            for (Path file : (Iterable<Path>) all::iterator) {
                Path name = file.getFileName();
                if (name.toString().endsWith(SegmentIndex.SUFFIX) && !expected.contains(name)) {
                    Files.deleteIfExists(file);
                }
            }
        } catch (IOException e) {
            // an orphan index file only takes space; it is never read
        }
    }

    /** How many segment indexes were found missing or damaged and rebuilt from their segments. */
    long rebuilds() {
        return rebuilds.get();
    }

    /** Whether the index of {@code segment} is loaded; for tests. */
    boolean indexed(Segment segment) {
        return sealed.containsKey(segment);
    }

    /**
     * Loads the index file of a sealed segment if it is valid, for a journal opened read-only: writes, deletes and
     * queues nothing. Returns whether it was loaded; a segment without one is scanned.
     */
    boolean load(Segment segment) {
        SegmentIndex index = SegmentIndex.load(segment);
        if (index == null) {
            return false;
        }
        sealed.put(segment, index);
        return true;
    }

    /** Starts the thread that writes sealed segments' indexes. */
    void start(ThreadFactory threadFactory) {
        Thread t = threadFactory.newThread(this::run);
        if (t == null) {
            throw new IllegalStateException("threadFactory returned null for the journal indexer");
        }
        t.setName("actiontrail-journal-indexer");
        thread = t;
        t.start();
    }

    /** The writer sealed {@code segment}: its index file is written off the writer's thread. */
    void sealed(Segment segment) {
        pending.add(segment);
    }

    private void run() {
        try {
            while (!closed) {
                Segment segment = pending.poll(IDLE_MILLIS, TimeUnit.MILLISECONDS);
                if (segment == stop) {
                    return;
                }
                if (segment != null) {
                    build(segment);
                } else {
                    refreshActive();
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            warnings.warn("journal-query-index", "ActionTrail: the journal indexer failed; lookups scan", e);
        }
    }

    /** Keeps the active segment's index, once a query made one, close to the head, so that queries catch up little. */
    private void refreshActive() {
        List<Segment> list = files.list();
        IndexBuilder builder = live.get(list.get(list.size() - 1));
        if (builder == null) {
            return;
        }
        synchronized (builder) {
            try {
                builder.catchUp(() -> closed);
            } catch (IOException e) {
                live.remove(builder.segment());
            }
        }
    }

    /** Indexes a sealed segment and writes its file, unless retention deleted it meanwhile. */
    void build(Segment segment) {
        if (!files.list().contains(segment)) {
            live.remove(segment);
            return;
        }
        Path file = SegmentIndex.path(segment);
        try {
            IndexBuilder builder = live.computeIfAbsent(segment, IndexBuilder::new);
            byte[] bytes;
            synchronized (builder) {
                if (!builder.catchUp(() -> closed)) {
                    return;
                }
                bytes = builder.encode();
            }
            Files2.writeAtomically(file, bytes);
            files.readLock().lock();
            try {
                if (files.list().contains(segment)) {
                    SegmentIndex index = SegmentIndex.load(segment);
                    if (index != null) {
                        sealed.put(segment, index);
                    }
                } else {
                    Files.deleteIfExists(file);
                }
            } finally {
                files.readLock().unlock();
            }
        } catch (IOException e) {
            if (files.list().contains(segment)) {
                warnings.warn(
                        "journal-query-index",
                        "ActionTrail: cannot write the query index of " + segment + "; lookups scan it",
                        e);
            }
        } finally {
            live.remove(segment);
        }
    }

    /**
     * Stops the indexer thread once it has indexed the segments sealed so far, waiting up to 10 s; an index it could
     * not write in time is rebuilt at the next start.
     */
    @Override
    public void close() {
        pending.add(stop);
        Thread t = thread;
        try {
            if (t != null) {
                t.join(TimeUnit.SECONDS.toMillis(10));
                closed = true;
                t.join(TimeUnit.SECONDS.toMillis(1));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            closed = true;
        }
    }

    // ---------------------------------------------------------------- queries

    /** Whether the index can narrow a lookup: it has a condition that is not negated. */
    static boolean narrows(LookupQuery query) {
        for (Condition c : query.conditions()) {
            if (!c.negated()) {
                return true;
            }
        }
        return false;
    }

    /** The index of a segment, or {@code null} when it has none usable now. The caller holds the read lock. */
    private @Nullable IndexView view(Segment segment) {
        SegmentIndex index = sealed.get(segment);
        if (index != null) {
            return index;
        }
        if (!segment.sealed()) {
            return live.computeIfAbsent(segment, IndexBuilder::new);
        }
        return live.get(segment);
    }

    private void prune(List<Segment> list) {
        if (sealed.size() + live.size() <= list.size()) {
            return;
        }
        Set<Segment> current = new HashSet<>(list);
        sealed.keySet().retainAll(current);
        live.keySet().retainAll(current);
    }

    /** A visitor that remembers whether it asked to stop. */
    private static final class Stopping implements Journal.LineVisitor {
        private final Journal.LineVisitor visitor;
        boolean stopped;

        Stopping(Journal.LineVisitor visitor) {
            this.visitor = visitor;
        }

        @Override
        public boolean visit(long seq, byte[] utf8, int offset, int length) {
            if (!visitor.visit(seq, utf8, offset, length)) {
                stopped = true;
                return false;
            }
            return true;
        }
    }

    /**
     * Visits, as {@link Journal#scanBackwards} or {@link Journal#scanForwards} would, the lines at {@code [from,
     * before)} that may match {@code query}: the index's candidates, and every line of a segment without a usable
     * index. Returns how many lines it visited.
     */
    long lookup(
            long from,
            long before,
            long fromMillis,
            long toMillis,
            LookupQuery query,
            boolean newestFirst,
            Journal.LineVisitor visitor) {
        Stopping stopping = new Stopping(visitor);
        long visited = 0;
        files.readLock().lock();
        try {
            List<Segment> list = files.list();
            prune(list);
            long limit = Math.min(before, head.getAsLong());
            for (int k = 0; k < list.size(); k++) {
                Segment segment = list.get(newestFirst ? list.size() - 1 - k : k);
                if (segment.firstSeq >= limit || segment.endSeq() <= from || !segment.mayHold(fromMillis, toMillis)) {
                    continue;
                }
                long low = Math.max(from, segment.firstSeq);
                long high = Math.min(limit, segment.endSeq());
                visited += lookupSegment(segment, low, high, fromMillis, toMillis, query, newestFirst, stopping);
                if (stopping.stopped) {
                    break;
                }
            }
            return visited;
        } finally {
            files.readLock().unlock();
        }
    }

    private long lookupSegment(
            Segment segment,
            long low,
            long high,
            long fromMillis,
            long toMillis,
            LookupQuery query,
            boolean newestFirst,
            Stopping visitor) {
        IndexView view = view(segment);
        if (view instanceof IndexBuilder builder) {
            synchronized (builder) {
                try {
                    builder.catchUp(() -> false);
                } catch (IOException e) {
                    return scanRange(low, high, fromMillis, toMillis, newestFirst, visitor);
                }
                return lookupIndexed(builder, segment, low, high, fromMillis, toMillis, query, newestFirst, visitor);
            }
        }
        if (view == null) {
            return scanRange(low, high, fromMillis, toMillis, newestFirst, visitor);
        }
        return lookupIndexed(view, segment, low, high, fromMillis, toMillis, query, newestFirst, visitor);
    }

    private long scanRange(long low, long high, long fromMillis, long toMillis, boolean newestFirst, Stopping v) {
        if (low >= high) {
            return 0;
        }
        return newestFirst
                ? scan.scanBackwards(low, high, fromMillis, toMillis, v)
                : scan.scanForwards(low, high, fromMillis, toMillis, v);
    }

    private long lookupIndexed(
            IndexView view,
            Segment segment,
            long low,
            long high,
            long fromMillis,
            long toMillis,
            LookupQuery query,
            boolean newestFirst,
            Stopping visitor) {
        BitSet candidates;
        try {
            candidates = matching(view, query);
        } catch (RuntimeException e) {
            return damaged(segment, low, high, fromMillis, toMillis, newestFirst, visitor);
        }
        long indexedEnd = segment.firstSeq + view.lines();
        long visited = 0;
        if (newestFirst) {
            visited += scanRange(Math.max(low, indexedEnd), high, fromMillis, toMillis, true, visitor);
        }
        if (visitor.stopped) {
            return visited;
        }
        long end = Math.min(high, indexedEnd);
        if (candidates == null) {
            visited += scanRange(low, end, fromMillis, toMillis, newestFirst, visitor);
        } else if (low < end) {
            Lines lines = new Lines(segment);
            int first = (int) (low - segment.firstSeq);
            int last = (int) (end - segment.firstSeq) - 1;
            try {
                if (newestFirst) {
                    for (int i = candidates.previousSetBit(last); i >= first; i = candidates.previousSetBit(i - 1)) {
                        visited++;
                        if (!lines.visit(segment.firstSeq + i, fromMillis, toMillis, visitor)) {
                            return visited;
                        }
                    }
                } else {
                    for (int i = candidates.nextSetBit(first); i >= 0 && i <= last; i = candidates.nextSetBit(i + 1)) {
                        visited++;
                        if (!lines.visit(segment.firstSeq + i, fromMillis, toMillis, visitor)) {
                            return visited;
                        }
                    }
                }
            } catch (IOException e) {
                throw new IllegalStateException("cannot read the journal in " + dir + ": " + e.getMessage(), e);
            }
        }
        if (!newestFirst && !visitor.stopped) {
            visited += scanRange(Math.max(low, indexedEnd), high, fromMillis, toMillis, false, visitor);
        }
        return visited;
    }

    /** An index file that passed its checks but cannot be read: dropped, rebuilt, and the segment scanned. */
    private long damaged(
            Segment segment, long low, long high, long fromMillis, long toMillis, boolean newestFirst, Stopping v) {
        if (sealed.remove(segment) != null) {
            rebuilds.incrementAndGet();
            pending.add(segment);
        }
        return scanRange(low, high, fromMillis, toMillis, newestFirst, v);
    }

    /** Reads single lines of a segment by position, through the block of its time index that holds them. */
    private static final class Lines {
        private final Segment segment;
        private long blockSeq = -1;
        private byte[] bytes = new byte[0];
        private int[] starts = new int[0];
        private int count;

        Lines(Segment segment) {
            this.segment = segment;
        }

        boolean visit(long seq, long fromMillis, long toMillis, Journal.LineVisitor visitor) throws IOException {
            Segment.Block block = segment.blockOf(seq);
            if (block == null || block.maxTime() < fromMillis || block.minTime() >= toMillis) {
                return true;
            }
            if (block.seq() != blockSeq) {
                bytes = segment.readBytes(block.offset(), (int) (block.end() - block.offset()));
                count = 0;
                int start = 0;
                for (int i = 0; i < bytes.length; i++) {
                    if (bytes[i] == '\n') {
                        if (count + 1 >= starts.length) {
                            starts = java.util.Arrays.copyOf(starts, Math.max(64, starts.length * 2));
                        }
                        starts[count++] = start;
                        start = i + 1;
                    }
                }
                starts[count] = start;
                blockSeq = block.seq();
            }
            int i = (int) (seq - blockSeq);
            if (i >= count) {
                return true;
            }
            return visitor.visit(seq, bytes, starts[i], starts[i + 1] - starts[i] - 1);
        }
    }

    /**
     * Counts the events of {@code [fromMillis, toMillis)} that match {@code query} into {@code tally}, oldest first:
     * from a segment's index when it answers the query exactly, else from the lines, which {@code visitor} checks and
     * counts.
     */
    void aggregate(
            long fromMillis,
            long toMillis,
            LookupQuery query,
            @Nullable Attribute topBy,
            Journal.Tally tally,
            Journal.LineVisitor visitor) {
        Stopping stopping = new Stopping(visitor);
        files.readLock().lock();
        try {
            List<Segment> list = files.list();
            prune(list);
            long limit = head.getAsLong();
            for (Segment segment : list) {
                if (segment.firstSeq >= limit) {
                    break;
                }
                if (!segment.mayHold(fromMillis, toMillis)) {
                    continue;
                }
                long high = Math.min(limit, segment.endSeq());
                IndexView view = query.text().isEmpty() ? view(segment) : null;
                long counted;
                if (view instanceof IndexBuilder builder) {
                    synchronized (builder) {
                        try {
                            builder.catchUp(() -> false);
                            counted = count(builder, segment, high, fromMillis, toMillis, query, topBy, tally);
                        } catch (IOException e) {
                            counted = -1;
                        }
                    }
                } else if (view != null) {
                    try {
                        counted = count(view, segment, high, fromMillis, toMillis, query, topBy, tally);
                    } catch (RuntimeException e) {
                        damaged(segment, 0, 0, fromMillis, toMillis, false, stopping);
                        counted = -1;
                    }
                } else {
                    counted = -1;
                }
                long rest = counted < 0 ? segment.firstSeq : segment.firstSeq + counted;
                scanRange(rest, high, fromMillis, toMillis, false, stopping);
            }
        } finally {
            files.readLock().unlock();
        }
    }

    /**
     * Counts from the index the matching events of a segment's first lines up to {@code high}; returns how many lines
     * it covered, or -1 when the index cannot answer the query exactly (nothing was counted).
     */
    private static long count(
            IndexView view,
            Segment segment,
            long high,
            long fromMillis,
            long toMillis,
            LookupQuery query,
            @Nullable Attribute topBy,
            Journal.Tally tally) {
        int n = (int) Math.max(0, Math.min(view.lines(), high - segment.firstSeq));
        BitSet matched = matching(view, query);
        if (matched == null) {
            return -1;
        }
        long[] times = view.times();
        byte[] outcomes = view.outcomes();
        if (matched.cardinality() == 0) {
            return n;
        }
        for (int i = matched.nextSetBit(0); i >= 0; i = matched.nextSetBit(i + 1)) {
            if (i >= n) {
                matched.clear(i, matched.length());
                break;
            }
            long t = times[i];
            if (outcomes[i] == IndexView.INVALID || t < fromMillis || t >= toMillis) {
                matched.clear(i);
                continue;
            }
            tally.event(t, outcomes[i]);
        }
        if (topBy != null) {
            view.terms(topBy, "", (value, postings) -> {
                long c = postings.countIn(matched);
                if (c > 0) {
                    tally.value(value, c);
                }
                return true;
            });
        }
        return n;
    }

    /**
     * The lines that meet every condition of {@code query} (the free text aside; lines that are not events may be
     * among them), or {@code null} when the index cannot tell exactly.
     */
    static @Nullable BitSet matching(IndexView view, LookupQuery query) {
        if (!view.exact()) {
            return null;
        }
        int n = view.lines();
        BitSet result = null;
        for (Condition c : query.conditions()) {
            BitSet set = lines(view, c);
            if (set == null) {
                return null;
            }
            if (c.negated()) {
                set.flip(0, n);
            }
            if (result == null) {
                result = set;
            } else {
                result.and(set);
            }
        }
        if (result == null) {
            result = new BitSet(n);
            result.set(0, n);
        }
        return result;
    }

    /** The lines where one of the condition's terms matches one of the line's values, or {@code null}. */
    private static @Nullable BitSet lines(IndexView view, Condition c) {
        for (String v : c.values()) {
            if (!IndexBuilder.wellFormed(v)) {
                return null;
            }
        }
        for (String p : c.prefixes()) {
            if (!IndexBuilder.wellFormed(p)) {
                return null;
            }
        }
        BitSet set = new BitSet(view.lines());
        Attribute attribute = c.attribute();
        if (!c.networks().isEmpty()) {
            boolean negated = c.negated();
            view.terms(attribute, "", (term, postings) -> {
                if (c.test(List.of(term)) != negated) {
                    postings.addTo(set);
                }
                return true;
            });
            return set;
        }
        for (String value : c.values()) {
            view.terms(attribute, value, (term, postings) -> {
                if (term.equals(value)) {
                    postings.addTo(set);
                }
                return false;
            });
        }
        for (String prefix : c.prefixes()) {
            view.terms(attribute, prefix, (term, postings) -> {
                if (!term.startsWith(prefix)) {
                    return false;
                }
                postings.addTo(set);
                return true;
            });
        }
        return set;
    }
}
