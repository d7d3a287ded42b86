package io.actiontrail.benchmarks;

import io.actiontrail.ActionTrail;
import io.actiontrail.Durability;
import io.actiontrail.JournalStatus;
import io.actiontrail.insights.Insights;
import io.actiontrail.insights.InsightsStatus;
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
 * What insights cost at ingest: {@code record()} of {@link QueryData} events (1,000 users, 20 tenants, 12 operations,
 * 5 % failures, source IPs) back to back in {@code GROUP}, with insights on and off ({@code insights}) in the same
 * run; the score is events per second. The notes give, with insights on, the CPU time of the insights thread per
 * event counted (it counts off the caller's thread, from the objects the journal's writer hands over), how many
 * events it read back from journal lines, and how far it trailed the journal when the trial ended. The state is shared
 * by the benchmark's threads; the event counter is atomic.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@State(Scope.Benchmark)
public class InsightsBenchmark {

    /** {@link ActionTrail.Builder#insights}: the defaults, or off. */
    @Param({"true", "false"})
    public boolean insights = true;

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
        dir = Fixtures.tempDir("bench-insights");
        start = QueryData.start();
        actionTrail = ActionTrail.builder()
                .serviceName("bench")
                .durability(Durability.GROUP)
                .dataDir(dir)
                .shutdownHook(false)
                .insights(insights ? Insights.defaults() : Insights.disabled())
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
        String counted = "";
        if (insights) {
            InsightsStatus s = actionTrail.insightsStatus();
            counted = String.format(
                    Locale.ROOT,
                    ", insights counted %,d events (%,d read back from lines, %,d behind the journal, %,d keys),"
                            + " insights thread CPU %.3f µs per event",
                    s.eventsCounted(),
                    s.eventsReadBack(),
                    status.nextPosition() - s.position(),
                    s.keys(),
                    s.cpuNanos() < 0 || s.eventsCounted() == 0 ? Double.NaN : s.cpuNanos() / 1e3 / s.eventsCounted());
        }
        last = String.format(Locale.ROOT, "last iteration: %,.0f events/s journaled%s", events / seconds, counted);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        long recorded = next.get();
        actionTrail.close(Duration.ofMinutes(1));
        Notes.add(
                "insights ingest insights=" + insights,
                String.format(Locale.ROOT, "%s; %,d events recorded in all", last, recorded));
        Fixtures.deleteRecursively(dir);
    }

    @Benchmark
    public void record() {
        long i = next.getAndIncrement();
        actionTrail.record(QueryData.event(i, QueryIndexIngestBenchmark.SPREAD, start));
    }
}
