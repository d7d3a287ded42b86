package io.actiontrail.benchmarks;

import io.actiontrail.ActionTrail;
import io.actiontrail.AuditEvent;
import io.actiontrail.Durability;
import io.actiontrail.UserIdentity;
import io.actiontrail.query.LookupQuery;
import io.actiontrail.query.LookupResult;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Lookup over 1,000,000 journaled events (built once per fork, 1,000 users, one order per event): a selective
 * query by resource (one match, so the whole range is read), a query by user (1 event in 1,000 matches; the first
 * page of 50), and a paged scan of every event, 1,000 per page.
 *
 * <p>One thread: {@link #next} is not shared.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@State(Scope.Benchmark)
public class LookupBenchmark {

    static final int EVENTS = 1_000_000;
    static final int USERS = 1000;

    @SuppressWarnings("NullAway.Init")
    Path dir;

    @SuppressWarnings("NullAway.Init")
    ActionTrail actionTrail;

    private @Nullable LookupQuery next;

    @Setup(Level.Trial)
    public void setUp() throws InterruptedException {
        dir = Fixtures.tempDir("bench-lookup");
        actionTrail = Fixtures.actionTrail(Durability.GROUP, dir);
        long start = System.nanoTime();
        for (int i = 0; i < EVENTS; i++) {
            AuditEvent template = Fixtures.event("ord-" + i);
            actionTrail.record(template.toBuilder()
                    .userIdentity(UserIdentity.user("u-" + (i % USERS), "user-" + (i % USERS)))
                    .build());
        }
        while (actionTrail.journalStatus().queuedBytes() > 0) {
            Thread.sleep(10);
        }
        Notes.add(
                "lookup",
                String.format(
                        "journaled %,d events (%,d MB, %d segments) in %.1f s",
                        actionTrail.journalStatus().nextPosition(),
                        actionTrail.journalStatus().diskBytes() >> 20,
                        actionTrail.journalStatus().segments(),
                        (System.nanoTime() - start) / 1e9));
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        actionTrail.close(Duration.ofSeconds(10));
        Fixtures.deleteRecursively(dir);
    }

    @Benchmark
    public LookupResult selectiveByResource() {
        int i = ThreadLocalRandom.current().nextInt(EVENTS);
        LookupResult result = actionTrail.lookup(
                LookupQuery.builder().resourceName("ord-" + i).build());
        if (result.events().size() != 1) {
            throw new IllegalStateException("ord-" + i + ": " + result.events().size() + " events");
        }
        return result;
    }

    @Benchmark
    public LookupResult selectiveByUser() {
        int u = ThreadLocalRandom.current().nextInt(USERS);
        LookupResult result =
                actionTrail.lookup(LookupQuery.builder().userName("user-" + u).build());
        if (result.events().size() != LookupQuery.DEFAULT_MAX_RESULTS) {
            throw new IllegalStateException("user-" + u + ": " + result.events().size() + " events");
        }
        return result;
    }

    /** One page of 1,000; the next call fetches the next page, and starts over after the last. */
    @Benchmark
    public LookupResult pagedScanPage() {
        LookupQuery query = next;
        if (query == null) {
            query = LookupQuery.builder()
                    .maxResults(LookupQuery.MAX_MAX_RESULTS)
                    .build();
        }
        LookupResult result = actionTrail.lookup(query);
        next = query.next(result);
        return result;
    }
}
