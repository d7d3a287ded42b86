package io.actiontrail.benchmarks;

import io.actiontrail.ActionTrail;
import io.actiontrail.AuditEvent;
import io.actiontrail.CaptureStats;
import io.actiontrail.DeliveryListener;
import io.actiontrail.Durability;
import io.actiontrail.sink.AuditBatch;
import io.actiontrail.sink.AuditRecord;
import io.actiontrail.sink.AuditSink;
import io.actiontrail.sink.Batching;
import io.actiontrail.sink.DeliveryException;
import io.actiontrail.sink.s3.S3AuditSink;
import io.actiontrail.sink.s3.S3EventReader;
import io.actiontrail.trail.TrailStatus;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntConsumer;
import org.jspecify.annotations.Nullable;

/**
 * Latencies at a steady rate the pipeline keeps up with, which JMH's back-to-back loops cannot show: the caller's
 * time per call (ActionTrail and the alternatives) and the time from {@code record()} to the sink's acknowledgement,
 * with ActionTrail's default settings ({@code GROUP}, fsync every 100 ms): to the in-memory sink (batches of up to
 * 1,000 events or 100 ms), and to S3 through an {@link S3AuditSink} against S3Proxy in this JVM, with the S3 sink's
 * defaults (60 s or 64 MiB) and with a 100 ms linger. Percentiles are read from the sorted samples; the first fifth of
 * each phase is warm-up and is left out.
 *
 * <p>Not thread-safe: one harness runs one phase at a time on the calling thread.
 */
final class LatencyHarness {

    /** The event id of call {@code i} is this prefix and {@code i}. */
    private static final String CALL_ID_PREFIX = "lat-";

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
        deliveryToS3(null);
        deliveryToS3(Batching.DEFAULT.linger());
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

    /**
     * {@code record()} → the S3 sink acknowledged: its {@code write()} returned, so the batch's object was PUT. The
     * pipeline tells the {@link DeliveryListener} of every delivered batch with the ids of its first and last events,
     * which name the calls it holds. No {@code flush}: it would send a lingering batch at once, which is not what the
     * sink's settings do; the phase waits for the linger instead. Every event is then read back from the bucket.
     *
     * @param linger the sink's linger, or {@code null} for the S3 sink's default
     */
    private void deliveryToS3(@Nullable Duration linger) {
        int total = (int) (phase.toSeconds() * ratePerSecond);
        long[] sent = new long[total];
        long[] acked = new long[total];
        AtomicInteger delivered = new AtomicInteger();
        AtomicInteger failedAttempts = new AtomicInteger();
        AtomicReference<@Nullable String> problem = new AtomicReference<>();
        ConcurrentLinkedQueue<Integer> batchSizes = new ConcurrentLinkedQueue<>();
        CountDownLatch allDelivered = new CountDownLatch(1);
        DeliveryListener listener = new DeliveryListener() {
            @Override
            public void onDelivered(Delivered batch) {
                long now = System.nanoTime();
                int first = callIndex(batch.firstEventId());
                int last = callIndex(batch.lastEventId());
                if (first < 0 || last < first || last >= total || last - first + 1 != batch.events()) {
                    problem.compareAndSet(null, "unexpected batch " + batch);
                    allDelivered.countDown();
                    return;
                }
                for (int i = first; i <= last; i++) {
                    if (acked[i] == 0) {
                        acked[i] = now; // at least once: a redelivery does not move the first acknowledgement
                    }
                }
                batchSizes.add(batch.events());
                if (delivered.addAndGet(batch.events()) >= total) {
                    allDelivered.countDown();
                }
            }

            @Override
            public void onFailed(Failed failed) {
                failedAttempts.incrementAndGet();
            }
        };
        String bucket = "audit-archive";
        Path dir = Fixtures.tempDir("bench-latency-s3");
        try (S3ProxyServer server = S3ProxyServer.start(bucket)) {
            S3AuditSink.Builder builder = S3AuditSink.builder(server.client(), bucket);
            if (linger != null) {
                builder.batching(S3AuditSink.DEFAULT_BATCHING.withLinger(linger));
            }
            TimedSink sink = new TimedSink(builder.build());
            Duration effective = sink.batching().linger();
            String what = linger == null
                    ? "S3 sink defaults (linger " + effective.toSeconds() + " s, 64 MiB)"
                    : "linger " + effective.toMillis() + " ms, otherwise S3 sink defaults";
            Instant from = Instant.now();
            ActionTrail actionTrail = Fixtures.actionTrail(Durability.GROUP, dir, listener, sink);
            TrailStatus.SinkStatus status;
            CaptureStats stats;
            try {
                AuditEvent template = Fixtures.event(CallerCostBenchmark.RESOURCE);
                paced(i -> {
                    sent[i] = System.nanoTime();
                    actionTrail.record(template.toBuilder()
                            .eventId(CALL_ID_PREFIX + i)
                            .eventTime(Instant.now())
                            .build());
                });
                Duration wait = effective.plusMinutes(2);
                if (!allDelivered.await(wait.toMillis(), TimeUnit.MILLISECONDS)) {
                    throw new IllegalStateException("S3, " + what + ": " + delivered.get() + " of " + total
                            + " events delivered within " + wait + "; " + actionTrail.status("t0"));
                }
                String unexpected = problem.get();
                if (unexpected != null) {
                    throw new IllegalStateException("S3, " + what + ": " + unexpected);
                }
                status = actionTrail.status("t0").sinks().get(0);
                stats = actionTrail.captureStats();
            } finally {
                actionTrail.close();
            }
            if (stats.recorded() != total
                    || status.delivered() != total
                    || !stats.dropped().isEmpty()) {
                throw new IllegalStateException("S3, " + what + ": " + total + " calls, " + stats.recorded()
                        + " recorded, " + status.delivered() + " delivered, capture drops " + stats.dropped());
            }
            int objects;
            long lines = 0;
            Set<String> ids = new HashSet<>();
            try (S3EventReader reader =
                    S3EventReader.builder(server.client(), bucket).build()) {
                List<String> keys = reader.keys(
                        from.minus(Duration.ofHours(1)), Instant.now().plus(Duration.ofHours(1)));
                objects = keys.size();
                for (String key : keys) {
                    for (AuditRecord record : reader.read(key)) {
                        lines++;
                        ids.add(record.eventId());
                    }
                }
            }
            if (ids.size() != total) {
                throw new IllegalStateException(
                        "S3, " + what + ": " + ids.size() + " distinct events in the bucket, " + total + " recorded");
            }
            int warm = total / 5;
            long[] delivery = new long[total - warm];
            for (int i = warm; i < total; i++) {
                delivery[i - warm] = acked[i] - sent[i];
            }
            row("record() → S3 (S3Proxy) PUT acknowledged, " + what, delivery);
            long[] writes = sink.writeNanos();
            Arrays.sort(writes);
            Notes.add(
                    "s3 " + what,
                    String.format(
                            Locale.ROOT,
                            "%,d recorded, %,d delivered (sink status), capture drops %s; in the bucket %,d objects"
                                    + " holding %,d lines, %,d distinct events (checksums verified); %,d batches"
                                    + " (events per batch %s); write() per batch p50 %s, max %s; %,d failed attempts",
                            stats.recorded(),
                            status.delivered(),
                            stats.dropped(),
                            objects,
                            lines,
                            ids.size(),
                            batchSizes.size(),
                            summary(batchSizes),
                            format(percentile(writes, 0.5)),
                            format(writes[writes.length - 1]),
                            failedAttempts.get()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } finally {
            Fixtures.deleteRecursively(dir);
        }
    }

    /** Returns the call index named by an event id of this harness, or -1. */
    private static int callIndex(String eventId) {
        if (!eventId.startsWith(CALL_ID_PREFIX)) {
            return -1;
        }
        try {
            return Integer.parseInt(eventId.substring(CALL_ID_PREFIX.length()));
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static String summary(ConcurrentLinkedQueue<Integer> sizes) {
        int[] sorted = sizes.stream().mapToInt(Integer::intValue).sorted().toArray();
        if (sorted.length == 0) {
            return "none";
        }
        return sorted.length == 1
                ? String.format(Locale.ROOT, "%,d", sorted[0])
                : String.format(
                        Locale.ROOT,
                        "%,d–%,d, median %,d",
                        sorted[0],
                        sorted[sorted.length - 1],
                        sorted[sorted.length / 2]);
    }

    /**
     * Delegates to a sink and keeps how long each {@code write()} took; the pipeline sees the delegate's name and
     * batching. Thread-safe as far as the pipeline needs: written from one thread, read after the trail closed.
     */
    private static final class TimedSink implements AuditSink {
        private final AuditSink delegate;
        private final ConcurrentLinkedQueue<Long> writes = new ConcurrentLinkedQueue<>();

        TimedSink(AuditSink delegate) {
            this.delegate = delegate;
        }

        @Override
        public void write(AuditBatch batch) throws DeliveryException {
            long t0 = System.nanoTime();
            delegate.write(batch);
            writes.add(System.nanoTime() - t0);
        }

        long[] writeNanos() {
            return writes.stream().mapToLong(Long::longValue).toArray();
        }

        @Override
        public Batching batching() {
            return delegate.batching();
        }

        @Override
        public String name() {
            return delegate.name();
        }

        @Override
        public void close() {
            delegate.close();
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
        if (nanos < 10_000_000_000L) {
            return String.format(Locale.ROOT, "%.1f ms", nanos / 1e6);
        }
        return String.format(Locale.ROOT, "%.2f s", nanos / 1e9);
    }
}
