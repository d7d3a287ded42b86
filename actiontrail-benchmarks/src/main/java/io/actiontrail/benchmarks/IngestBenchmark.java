package io.actiontrail.benchmarks;

import io.actiontrail.ActionTrail;
import io.actiontrail.Durability;
import io.actiontrail.JournalStatus;
import io.actiontrail.sink.AuditSink;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
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
import org.openjdk.jmh.infra.BenchmarkParams;

/**
 * Sustained ingest: {@code record()} back to back in {@code GROUP} or {@code SYNC} durability, with one or three
 * trails shipping to in-memory sinks at the same time. The score is events per second over all threads; the notes
 * give events per fsync, bytes per event on disk and how far the sinks lag, over the last measured iteration.
 *
 * <p>The state is shared by the benchmark's threads; JMH calls set-up and tear-down from one thread.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@State(Scope.Benchmark)
public class IngestBenchmark {

    @Param({"GROUP", "SYNC"})
    public Durability durability = Durability.GROUP;

    @Param({"1", "3"})
    public int trails = 1;

    @SuppressWarnings("NullAway.Init")
    Path dir;

    @SuppressWarnings("NullAway.Init")
    ActionTrail actionTrail;

    @SuppressWarnings("NullAway.Init")
    CountingSink[] sinks;

    private int threads;
    private long iterationStartNanos;
    private long startPosition;
    private long startFsyncs;
    private long startDelivered;
    private String last = "";

    @Setup(Level.Trial)
    public void setUp(BenchmarkParams params) {
        threads = params.getThreads();
        dir = Fixtures.tempDir("bench-ingest");
        sinks = new CountingSink[trails];
        for (int i = 0; i < trails; i++) {
            sinks[i] = new CountingSink();
        }
        actionTrail = Fixtures.actionTrail(durability, dir, (AuditSink[]) sinks);
    }

    @Setup(Level.Iteration)
    public void startIteration() {
        JournalStatus status = actionTrail.journalStatus();
        startPosition = status.nextPosition();
        startFsyncs = status.fsyncs();
        startDelivered = sinks[0].events();
        iterationStartNanos = System.nanoTime();
    }

    @TearDown(Level.Iteration)
    public void endIteration() {
        double seconds = (System.nanoTime() - iterationStartNanos) / 1e9;
        JournalStatus status = actionTrail.journalStatus();
        long events = status.nextPosition() - startPosition;
        long fsyncs = status.fsyncs() - startFsyncs;
        double bytesPerEvent = status.nextPosition() == 0 ? 0 : (double) status.diskBytes() / status.nextPosition();
        long delivered = sinks[0].events() - startDelivered;
        last = String.format(
                "last iteration: %,.0f events/s journaled, %,.1f MB/s, %,d fsyncs, %,.1f events/fsync, %,.0f bytes/event"
                        + " on disk, sink t0 took %,.0f events/s, lag %,d events",
                events / seconds,
                events * bytesPerEvent / seconds / 1e6,
                fsyncs,
                fsyncs == 0 ? 0.0 : (double) events / fsyncs,
                bytesPerEvent,
                delivered / seconds,
                status.nextPosition() - sinks[0].events());
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        Notes.add("ingest " + durability + " trails=" + trails + " threads=" + threads, last);
        CallerCostBenchmark.report("ingest " + durability + " trails=" + trails + " threads=" + threads, actionTrail);
        Fixtures.deleteRecursively(dir);
    }

    @Benchmark
    public void record() {
        actionTrail.record(Fixtures.event(CallerCostBenchmark.RESOURCE));
    }
}
