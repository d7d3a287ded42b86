package io.actiontrail.benchmarks;

import io.actiontrail.ActionTrail;
import io.actiontrail.AuditEvent;
import io.actiontrail.Durability;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntConsumer;

/**
 * Latencies at a steady rate the pipeline keeps up with, which JMH's back-to-back loops cannot show: the caller's
 * time per call (ActionTrail and the alternatives) and the time from {@code record()} to the in-memory sink's
 * acknowledgement, with ActionTrail's default settings ({@code GROUP}, fsync every 100 ms, batches of up to 1,000
 * events or 100 ms). Percentiles are read from the sorted samples; the first fifth of each phase is warm-up and is
 * left out.
 *
 * <p>Not thread-safe: one harness runs one phase at a time on the calling thread.
 */
final class LatencyHarness {

    private final Duration phase;
    private final int ratePerSecond;
    private final List<String> rows = new ArrayList<>();

    LatencyHarness(Duration phase, int ratePerSecond) {
        this.phase = phase;
        this.ratePerSecond = ratePerSecond;
    }

    /** Runs every phase and returns the rows of a Markdown table. */
    List<String> run() {
        rows.add("| what (" + String.format(Locale.ROOT, "%,d", ratePerSecond) + " calls/s, " + phase.toSeconds()
                + " s) | samples | p50 | p99 | p99.9 | max |");
        rows.add("|---|---:|---:|---:|---:|---:|");
        deliveryAndRecord();
        proxy();
        Path dir = Fixtures.tempDir("bench-latency-logs");
        try {
            for (LogbackJson.Settings settings : LogbackJson.Settings.values()) {
                LogbackJson logback = new LogbackJson(dir.resolve("logback-" + settings + ".json"), settings);
                long[] caller = paced(i -> logback.log(Fixtures.fields(CallerCostBenchmark.RESOURCE)));
                long lines = logback.closeAndCountLines();
                row("caller: Logback AsyncAppender " + settings + " (" + lines + " lines written)", caller);
            }
            for (Log4j2Json.Mode mode : Log4j2Json.Mode.values()) {
                Log4j2Json log4j2 = new Log4j2Json(dir.resolve("log4j2-" + mode + ".json"), mode);
                long[] caller = paced(i -> log4j2.log(Fixtures.fields(CallerCostBenchmark.RESOURCE)));
                long lines = log4j2.closeAndCountLines();
                row("caller: Log4j2 " + mode + " (" + lines + " lines written)", caller);
            }
        } finally {
            Fixtures.deleteRecursively(dir);
        }
        return rows;
    }

    private void deliveryAndRecord() {
        int total = (int) (phase.toSeconds() * ratePerSecond);
        long[] sent = new long[total];
        long[] acked = new long[total];
        Path dir = Fixtures.tempDir("bench-latency");
        CountingSink sink = new CountingSink(record -> {
            String id = record.eventId();
            if (id.startsWith("lat-")) {
                acked[Integer.parseInt(id.substring(4))] = System.nanoTime();
            }
        });
        ActionTrail actionTrail = Fixtures.actionTrail(Durability.GROUP, dir, sink);
        try {
            AuditEvent template = Fixtures.event(CallerCostBenchmark.RESOURCE);
            long[] caller = paced(i -> {
                sent[i] = System.nanoTime();
                actionTrail.record(template.toBuilder()
                        .eventId("lat-" + i)
                        .eventTime(java.time.Instant.now())
                        .build());
            });
            row("caller: record(), GROUP", caller);
            if (!actionTrail.flush(Duration.ofSeconds(60))) {
                throw new IllegalStateException("not delivered within 60 s");
            }
            int from = total / 5;
            long[] delivery = new long[total - from];
            for (int i = from; i < total; i++) {
                if (acked[i] == 0) {
                    throw new IllegalStateException("event " + i + " was not delivered");
                }
                delivery[i - from] = acked[i] - sent[i];
            }
            row("record() → in-memory sink acknowledged, defaults", delivery);
        } finally {
            actionTrail.close();
            Fixtures.deleteRecursively(dir);
        }
    }

    private void proxy() {
        Path dir = Fixtures.tempDir("bench-latency-proxy");
        ActionTrail actionTrail = Fixtures.actionTrail(Durability.GROUP, dir, new CountingSink());
        try {
            Orders orders = actionTrail.proxy(Orders.class, new Orders.Plain());
            long[] caller = paced(i -> orders.createOrder(Fixtures.CUSTOMER, Fixtures.REQUEST));
            row("caller: proxy @Audited (arguments snapshotted), GROUP", caller);
        } finally {
            actionTrail.close();
            Fixtures.deleteRecursively(dir);
        }
    }

    /** Calls {@code call} at the configured rate; returns the caller's time of each call after the warm-up. */
    private long[] paced(IntConsumer call) {
        int total = (int) (phase.toSeconds() * ratePerSecond);
        long interval = TimeUnit.SECONDS.toNanos(1) / ratePerSecond;
        long[] took = new long[total];
        long start = System.nanoTime();
        for (int i = 0; i < total; i++) {
            long due = start + i * interval;
            long wait;
            while ((wait = due - System.nanoTime()) > 0) {
                if (wait > 100_000) {
                    LockSupport.parkNanos(wait - 50_000);
                } else {
                    Thread.onSpinWait();
                }
            }
            long t0 = System.nanoTime();
            call.accept(i);
            took[i] = System.nanoTime() - t0;
        }
        return Arrays.copyOfRange(took, total / 5, total);
    }

    private void row(String what, long[] samples) {
        long[] sorted = samples.clone();
        Arrays.sort(sorted);
        String line = String.format(
                Locale.ROOT,
                "| %s | %,d | %s | %s | %s | %s |",
                what,
                sorted.length,
                format(percentile(sorted, 0.50)),
                format(percentile(sorted, 0.99)),
                format(percentile(sorted, 0.999)),
                format(sorted[sorted.length - 1]));
        System.out.println(line);
        rows.add(line);
    }

    static long percentile(long[] sorted, double p) {
        int index = (int) Math.ceil(p * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
    }

    static String format(long nanos) {
        if (nanos < 10_000) {
            return String.format(Locale.ROOT, "%.2f µs", nanos / 1e3);
        }
        if (nanos < 10_000_000) {
            return String.format(Locale.ROOT, "%.0f µs", nanos / 1e3);
        }
        return String.format(Locale.ROOT, "%.1f ms", nanos / 1e6);
    }
}
