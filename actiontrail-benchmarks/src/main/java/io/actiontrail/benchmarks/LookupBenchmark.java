package io.actiontrail.benchmarks;

import io.actiontrail.ActionTrail;
import io.actiontrail.Durability;
import io.actiontrail.query.Aggregation;
import io.actiontrail.query.AggregationResult;
import io.actiontrail.query.Attribute;
import io.actiontrail.query.LookupQuery;
import io.actiontrail.query.LookupResult;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Lookups and aggregations over {@code events} journaled {@link QueryData} events spanning 7 days, with the journal's
 * secondary index on and off ({@code queryIndex}), in the same run; {@link LuceneLookupBenchmark} answers the same
 * queries over the same events. The journal is built once per fork, in {@code GROUP} from one thread, then closed and
 * reopened (as after a restart) and measured once every sealed segment has its index file; the notes give the build
 * rate, the index's bytes against the journal's and the bytes on disk by file suffix.
 *
 * <p>Every query names the 7 days explicitly. {@code byResource}: one order (one match). {@code firstPageByUser}: one
 * user's newest 50 (1 event in 1,000 matches). {@code timelineFirstPage}: a customer's timeline
 * ({@link LookupQuery#timeline}), its oldest 50 (1 event in 10,000 names a customer). {@code hourlyCounts}: every
 * event of the 7 days in 168 hourly buckets (with failures and denials). {@code topUsers}: the 10 most active users
 * over the 7 days. {@code pagedScanPage}: a page of 1,000, following {@code nextToken} through every event.
 *
 * <p>One thread: {@link #next} is not shared.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@State(Scope.Benchmark)
public class LookupBenchmark {

    /** The suffix of the secondary index's files, one per sealed segment, named after it. */
    static final String INDEX_SUFFIX = ".qidx";

    /** How many events are journaled; {@link BenchmarkMain}'s full profile adds 10,000,000. */
    @Param({"1000000"})
    public int events = 1_000_000;

    /** {@link ActionTrail.Builder#queryIndex}. */
    @Param({"true", "false"})
    public boolean queryIndex = true;

    @SuppressWarnings("NullAway.Init")
    Path dir;

    @SuppressWarnings("NullAway.Init")
    ActionTrail actionTrail;

    @SuppressWarnings("NullAway.Init")
    Instant start;

    @SuppressWarnings("NullAway.Init")
    Instant end;

    @SuppressWarnings("NullAway.Init")
    LookupQuery all;

    private @Nullable LookupQuery next;

    @Setup(Level.Trial)
    public void setUp() throws InterruptedException {
        dir = Fixtures.tempDir("bench-lookup");
        start = QueryData.start();
        end = start.plus(QueryData.SPAN);
        all = LookupQuery.builder().startTime(start).endTime(end).build();
        actionTrail = build(dir, events, start, queryIndex, "lookup events=" + events + " queryIndex=" + queryIndex);
    }

    /**
     * Journals {@code events} {@link QueryData} events from {@code start} into {@code dir}, in {@code GROUP} from one
     * thread, closes the journal and reopens it (as after a restart), waits until every sealed segment has its index
     * file (index on), notes the build rate and the bytes on disk under {@code note}, and returns the reopened
     * instance.
     */
    static ActionTrail build(Path dir, int events, Instant start, boolean queryIndex, String note)
            throws InterruptedException {
        long began = System.nanoTime();
        ActionTrail actionTrail = open(dir, queryIndex);
        for (int i = 0; i < events; i++) {
            actionTrail.record(QueryData.event(i, events, start));
        }
        while (actionTrail.journalStatus().queuedBytes() > 0) {
            Thread.sleep(10);
        }
        long journaled = actionTrail.journalStatus().nextPosition();
        double seconds = (System.nanoTime() - began) / 1e9;
        long closing = System.nanoTime();
        actionTrail.close(Duration.ofMinutes(5));
        double closeSeconds = (System.nanoTime() - closing) / 1e9;
        if (journaled != events) {
            throw new IllegalStateException("journaled " + journaled + " of " + events + " events");
        }
        long reopening = System.nanoTime();
        actionTrail = open(dir, queryIndex);
        double reopenSeconds = (System.nanoTime() - reopening) / 1e9;
        // the index of a sealed segment is written by a background thread when the writer seals it, and rebuilt at
        // open when missing: wait until every sealed segment has its file before measuring the bytes on disk (the
        // active segment's index is in memory)
        long waiting = System.nanoTime();
        while (queryIndex
                && QueryData.filesEndingWith(dir, INDEX_SUFFIX) < QueryData.filesEndingWith(dir, ".jsonl") - 1
                && System.nanoTime() - waiting < TimeUnit.MINUTES.toNanos(5)) {
            Thread.sleep(100);
        }
        double waitSeconds = (System.nanoTime() - waiting) / 1e9;
        long rebuilt = actionTrail.journalStatus().indexRebuilds();
        Map<String, Long> bytes = QueryData.bytesBySuffix(dir);
        long total = bytes.values().stream().mapToLong(Long::longValue).sum();
        long segments = bytes.getOrDefault(".jsonl", 0L);
        long index = bytes.getOrDefault(INDEX_SUFFIX, 0L);
        long indexed = QueryData.indexedBytes(dir, INDEX_SUFFIX);
        Notes.add(
                note,
                String.format(
                        Locale.ROOT,
                        "journaled %,d events in %.1f s (%,.0f events/s, one thread recording), closed in %.1f s,"
                                + " reopened in %.1f s, index files complete %.1f s later (%d rebuilt at open); on"
                                + " disk %.1f MB: segments (.jsonl) %.1f MB, index (%s) %.1f MB = %.1f %% of the %.1f"
                                + " MB of segments it covers; by suffix: %s",
                        journaled,
                        seconds,
                        journaled / seconds,
                        closeSeconds,
                        reopenSeconds,
                        waitSeconds,
                        rebuilt,
                        total / 1e6,
                        segments / 1e6,
                        INDEX_SUFFIX,
                        index / 1e6,
                        indexed == 0 ? 0.0 : 100.0 * index / indexed,
                        indexed / 1e6,
                        QueryData.describe(bytes)));
        return actionTrail;
    }

    private static ActionTrail open(Path dir, boolean queryIndex) {
        return ActionTrail.builder()
                .serviceName("bench")
                .durability(Durability.GROUP)
                .dataDir(dir)
                .shutdownHook(false)
                .queryIndex(queryIndex)
                .build();
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        actionTrail.close(Duration.ofSeconds(10));
        Fixtures.deleteRecursively(dir);
    }

    @Benchmark
    public LookupResult byResource() {
        long i = ThreadLocalRandom.current().nextInt(events);
        LookupResult result = actionTrail.lookup(
                all.toBuilder().resourceName(QueryData.order(i)).build());
        check(result.events().size() == 1, QueryData.order(i), result.events().size());
        return result;
    }

    @Benchmark
    public LookupResult firstPageByUser() {
        int u = ThreadLocalRandom.current().nextInt(QueryData.USERS);
        LookupResult result = actionTrail.lookup(
                all.toBuilder().userName(QueryData.userName(u)).build());
        check(
                result.events().size() == LookupQuery.DEFAULT_MAX_RESULTS,
                QueryData.userName(u),
                result.events().size());
        return result;
    }

    @Benchmark
    public LookupResult timelineFirstPage() {
        int c = ThreadLocalRandom.current().nextInt(QueryData.CUSTOMERS);
        LookupResult result = actionTrail.lookup(
                LookupQuery.timeline("Customer", QueryData.customer(c)).build());
        // a customer is named by events / 10,000 events on average: at 1,000,000, about 100, rarely under 50
        check(!result.events().isEmpty(), QueryData.customer(c), 0);
        return result;
    }

    @Benchmark
    public AggregationResult hourlyCounts() {
        AggregationResult result = actionTrail.aggregate(Aggregation.histogram(all, Duration.ofHours(1)));
        check(result.matched() == events && result.buckets().size() == 168, "hourly counts", result.matched());
        return result;
    }

    @Benchmark
    public AggregationResult topUsers() {
        AggregationResult result = actionTrail.aggregate(Aggregation.top(all, Attribute.USER_NAME, 10));
        check(result.top().size() == 10, "top users", result.top().size());
        return result;
    }

    /** One page of 1,000; the next call fetches the next page, and starts over after the last. */
    @Benchmark
    public LookupResult pagedScanPage() {
        LookupQuery query = next;
        if (query == null) {
            query = all.toBuilder().maxResults(LookupQuery.MAX_MAX_RESULTS).build();
        }
        LookupResult result = actionTrail.lookup(query);
        next = query.next(result);
        return result;
    }

    static void check(boolean ok, String what, long found) {
        if (!ok) {
            throw new IllegalStateException(what + ": " + found);
        }
    }
}
