package io.actiontrail.internal.journal;

import io.actiontrail.AuditEvent;
import io.actiontrail.internal.InternalApi;
import io.actiontrail.query.Aggregation;
import io.actiontrail.query.AggregationResult;
import io.actiontrail.query.LookupQuery;
import io.actiontrail.query.LookupResult;
import io.actiontrail.query.ReadOnlyJournal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * {@link ReadOnlyJournal} over a {@link ReadOnlyDiskJournal}: lookups and aggregations exactly as the owning process
 * answers them ({@link JournalLookup}, {@link JournalAggregation}), with no retention limit (the directory holds what
 * it holds, perhaps a copy older than the owner's retention), each after a refresh. Thread-safe.
 */
@InternalApi
public final class ReadOnlyStore implements ReadOnlyJournal {

    /** No retention: every event still in the directory can be looked up. */
    private static final Duration NO_RETENTION = Duration.ofMillis(Long.MAX_VALUE);

    private final ReadOnlyDiskJournal journal;
    private final JournalLookup lookups;
    private final JournalAggregation aggregations;

    private ReadOnlyStore(ReadOnlyDiskJournal journal, Clock clock) {
        this.journal = journal;
        this.lookups = new JournalLookup(journal, clock, NO_RETENTION);
        this.aggregations = new JournalAggregation(journal, clock, NO_RETENTION);
    }

    /**
     * Opens the journal in {@code dataDir} read-only; {@code clock} resolves query ranges relative to now.
     *
     * @throws IllegalArgumentException if {@code dataDir} is not a directory or holds no journal segment
     * @throws java.io.UncheckedIOException if the directory cannot be read
     */
    public static ReadOnlyJournal open(Path dataDir, Clock clock) {
        Objects.requireNonNull(dataDir, "dataDir");
        Objects.requireNonNull(clock, "clock");
        return new ReadOnlyStore(new ReadOnlyDiskJournal(dataDir), clock);
    }

    @Override
    public Path directory() {
        return journal.dir();
    }

    @Override
    public long firstPosition() {
        journal.refresh();
        return journal.firstSeq();
    }

    @Override
    public long nextPosition() {
        journal.refresh();
        return journal.nextSeq();
    }

    @Override
    public LookupResult lookup(LookupQuery query) {
        journal.refresh();
        return lookups.lookup(query);
    }

    @Override
    public AggregationResult aggregate(Aggregation aggregation) {
        journal.refresh();
        return aggregations.aggregate(aggregation);
    }

    @Override
    public Scan scan(long fromPosition, int maxEvents) {
        if (maxEvents <= 0) {
            throw new IllegalArgumentException("maxEvents must be positive: " + maxEvents);
        }
        journal.refresh();
        long head = journal.head();
        long start = Math.max(fromPosition, journal.firstSeq());
        List<AuditEvent> events = new ArrayList<>();
        long[] next = {Math.max(start, head)};
        if (start < head) {
            journal.scanForwards(start, head, Long.MIN_VALUE, Long.MAX_VALUE, (seq, utf8, offset, length) -> {
                if (events.size() == maxEvents) {
                    next[0] = seq;
                    return false;
                }
                try {
                    events.add(AuditEvent.fromJson(new String(utf8, offset, length, StandardCharsets.UTF_8)));
                } catch (IllegalArgumentException e) {
                    // not a readable event: skipped, as lookups skip it
                }
                return true;
            });
        }
        return new Scan(events, next[0]);
    }

    /** How many lines lookups and scans have read; for tests. */
    long linesScanned() {
        return journal.linesScanned();
    }

    /** The journal; for tests. */
    ReadOnlyDiskJournal journal() {
        return journal;
    }

    @Override
    public void close() {
        journal.close();
    }

    @Override
    public String toString() {
        return "ReadOnlyJournal[" + journal.dir() + "]";
    }
}
