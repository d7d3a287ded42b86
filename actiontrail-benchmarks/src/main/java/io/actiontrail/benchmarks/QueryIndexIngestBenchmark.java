package io.actiontrail.benchmarks;

import io.actiontrail.ActionTrail;
import io.actiontrail.Durability;
import io.actiontrail.JournalStatus;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
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
 * What the secondary index costs at ingest: {@code record()} of {@link QueryData} events back to back in
 * {@code GROUP}, with the journal's index on and off ({@code queryIndex}), in the same run. The score is events per
 * second; the notes give the rate the journal wrote over the last measured iteration (the writer, not the caller, is
 * what the index slows down) and the bytes on disk by file suffix at the end.
 *
 * <p>The state is shared by the benchmark's threads; the event counter is atomic.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@State(Scope.Benchmark)
public class QueryIndexIngestBenchmark {

    /** The events' times spread over 7 days as if there were this many. */
    static final long SPREAD = 10_000_000;

    /** {@link ActionTrail.Builder#queryIndex}. */
    @Param({"true", "false"})
    public boolean queryIndex = true;

    @SuppressWarnings("NullAway.Init")
    Path dir;

    @SuppressWarnings("NullAway.Init")
    ActionTrail actionTrail;

    @SuppressWarnings("NullAway.Init")
    Instant start;

    private final AtomicLong next = new AtomicLong();
    private long iterationStartNanos;
    private long startPosition;
    private String last = "";

    @Setup(Level.Trial)
    public void setUp() {
        dir = Fixtures.tempDir("bench-index-ingest");
        start = QueryData.start();
        actionTrail = ActionTrail.builder()
                .serviceName("bench")
                .durability(Durability.GROUP)
                .dataDir(dir)
                .shutdownHook(false)
                .queryIndex(queryIndex)
                .build();
    }

    @Setup(Level.Iteration)
    public void startIteration() {
        startPosition = actionTrail.journalStatus().nextPosition();
        iterationStartNanos = System.nanoTime();
    }

    @TearDown(Level.Iteration)
    public void endIteration() {
        double seconds = (System.nanoTime() - iterationStartNanos) / 1e9;
        JournalStatus status = actionTrail.journalStatus();
        long events = status.nextPosition() - startPosition;
        last = String.format(
                Locale.ROOT,
                "last iteration: %,.0f events/s journaled, %,.0f bytes/event in segments",
                events / seconds,
                status.nextPosition() == 0 ? 0.0 : (double) status.diskBytes() / status.nextPosition());
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        long recorded = next.get();
        actionTrail.close(Duration.ofMinutes(1));
        Notes.add(
                "index ingest queryIndex=" + queryIndex,
                String.format(
                        Locale.ROOT,
                        "%s; %,d events recorded in all, on disk after close: %s",
                        last,
                        recorded,
                        QueryData.describe(QueryData.bytesBySuffix(dir))));
        Fixtures.deleteRecursively(dir);
    }

    @Benchmark
    public void record() {
        long i = next.getAndIncrement();
        actionTrail.record(QueryData.event(i, SPREAD, start));
    }
}
