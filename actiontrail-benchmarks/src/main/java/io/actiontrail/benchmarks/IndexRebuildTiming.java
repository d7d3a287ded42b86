package io.actiontrail.benchmarks;

import io.actiontrail.ActionTrail;
import io.actiontrail.Durability;
import io.actiontrail.insights.Insights;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * The journal indexer's own speed, with nothing competing: journals {@code n} {@link QueryData} events with the index
 * off, then reopens the journal with it on, which rebuilds every sealed segment's index on the indexer thread alone;
 * prints the wall time until every sealed segment has its index file and the indexer thread's CPU time per event.
 * Saturated ingest cannot show this: a backlogged indexer takes its share of the cores however fast it is.
 *
 * <p>Run: {@code java -cp actiontrail-benchmarks/target/benchmarks.jar io.actiontrail.benchmarks.IndexRebuildTiming
 * [events]}. Not thread-safe: one run per JVM.
 */
public final class IndexRebuildTiming {

    private IndexRebuildTiming() {}

    public static void main(String[] args) throws InterruptedException {
        long n = args.length > 0 ? Long.parseLong(args[0]) : 1_000_000;
        Path dir = Fixtures.tempDir("bench-index-rebuild");
        Instant start = QueryData.start();
        try {
            try (ActionTrail journal = open(dir, false)) {
                for (long i = 0; i < n; i++) {
                    journal.record(QueryData.event(i, QueryIndexIngestBenchmark.SPREAD, start));
                }
                journal.flush(Duration.ofMinutes(5));
            }
            long segments = count(dir, ".jsonl");
            long sealed = segments - 1;
            ThreadMXBean mx = ManagementFactory.getThreadMXBean();
            long began = System.nanoTime();
            try (ActionTrail reopened = open(dir, true)) {
                long cpu = 0;
                System.out.println("rebuilding the index of " + sealed + " segments of " + reopened.journalStatus());
                while (count(dir, ".qidx") < sealed) {
                    cpu = indexerCpu(mx, cpu);
                    Thread.sleep(20);
                }
                cpu = indexerCpu(mx, cpu);
                double seconds = (System.nanoTime() - began) / 1e9;
                double events = (double) n * sealed / segments;
                System.out.printf(
                        Locale.ROOT,
                        "indexed %d sealed segments (about %,.0f events) in %.2f s: %,.0f events/s;"
                                + " indexer CPU %.2f µs per event%n",
                        sealed,
                        events,
                        seconds,
                        events / seconds,
                        cpu / 1e3 / events);
            }
        } finally {
            Fixtures.deleteRecursively(dir);
        }
    }

    private static ActionTrail open(Path dir, boolean index) {
        return ActionTrail.builder()
                .serviceName("bench")
                .durability(Durability.GROUP)
                .dataDir(dir)
                .shutdownHook(false)
                .insights(Insights.disabled())
                .queryIndex(index)
                .build();
    }

    /** The indexer thread's CPU time so far, or {@code last} once it is gone. */
    private static long indexerCpu(ThreadMXBean mx, long last) {
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getName().equals("actiontrail-journal-indexer")) {
                long cpu = mx.getThreadCpuTime(t.getId());
                return cpu > 0 ? cpu : last;
            }
        }
        return last;
    }

    private static long count(Path dir, String suffix) {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> f.getFileName().toString().endsWith(suffix))
                    .count();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
