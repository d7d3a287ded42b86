package io.actiontrail.benchmarks;

import com.lmax.disruptor.BlockingWaitStrategy;
import com.lmax.disruptor.RingBuffer;
import com.lmax.disruptor.dsl.Disruptor;
import com.lmax.disruptor.dsl.ProducerType;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;

/**
 * Why Log4j2's async logger loses events when several threads log faster than it writes: a small program, apart from
 * JMH, that shows the loss and its mechanism in two steps.
 *
 * <ol>
 *   <li>The benchmark's own Log4j2 set-up ({@link Log4j2Json}, {@code ASYNC_LOGGER}): {@code threads} threads log
 *       {@code events} events each, the logger context is stopped (which drains the ring buffer) and the file's lines
 *       are counted against the calls.
 *   <li>The LMAX Disruptor alone: two producers publish into a small ring buffer with a slow consumer while a third
 *       thread samples {@link RingBuffer#remainingCapacity()}. Disruptor 4's multi-producer {@code next()} claims a
 *       sequence before it waits for space, so while a producer waits the remaining capacity reads negative. Log4j
 *       2.25's {@code AsyncLoggerConfigDisruptor.getEventRoute} takes a negative capacity to mean that Log4j was shut
 *       down and returns {@code EventRoute.DISCARD}, which drops the event without a status message; the queue-full
 *       policy (block, by default) is never asked. Disruptor 3's {@code next()} waits before it claims, so the
 *       capacity never reads negative and nothing is lost.
 * </ol>
 *
 * <p>Run: {@code java -cp actiontrail-benchmarks/target/benchmarks.jar io.actiontrail.benchmarks.Log4j2DiscardCheck
 * [threads] [events per thread]}; put another Disruptor jar first on the class path to compare versions. Not
 * thread-safe: a program, run once.
 */
public final class Log4j2DiscardCheck {

    private Log4j2DiscardCheck() {}

    /**
     * Runs both steps and prints what they found.
     *
     * @param args optional: the number of threads (2) and of events per thread (1,000,000: more than the ring buffer's
     *     262,144 slots, Log4j's default outside garbage-free mode)
     * @throws InterruptedException if interrupted while waiting for the threads
     */
    public static void main(String[] args) throws InterruptedException {
        int threads = args.length > 0 ? Integer.parseInt(args[0]) : 2;
        int events = args.length > 1 ? Integer.parseInt(args[1]) : 1_000_000;
        System.out.println("LMAX Disruptor " + disruptorVersion());
        logThroughLog4j2(threads, events);
        sampleRemainingCapacity();
    }

    private static String disruptorVersion() {
        String version = RingBuffer.class.getPackage().getImplementationVersion();
        java.security.CodeSource source = RingBuffer.class.getProtectionDomain().getCodeSource();
        return (version == null ? "(version not in the manifest)" : version)
                + (source == null ? "" : " from " + source.getLocation());
    }

    private static void logThroughLog4j2(int threads, int events) throws InterruptedException {
        Path dir = Fixtures.tempDir("log4j2-discard-check");
        try {
            Log4j2Json log4j2 = new Log4j2Json(dir.resolve("audit.json"), Log4j2Json.Mode.ASYNC_LOGGER);
            String padding = "x".repeat(400);
            Thread[] loggers = new Thread[threads];
            for (int t = 0; t < threads; t++) {
                int thread = t;
                loggers[t] = new Thread(() -> {
                    for (int n = 0; n < events; n++) {
                        Map<String, Object> fields = new LinkedHashMap<>();
                        fields.put("thread", thread);
                        fields.put("n", n);
                        fields.put("padding", padding);
                        log4j2.log(fields);
                    }
                });
                loggers[t].start();
            }
            for (Thread logger : loggers) {
                logger.join();
            }
            long calls = (long) threads * events;
            long lines = log4j2.closeAndCountLines();
            System.out.printf(
                    "Log4j2 async logger, %d threads: %,d calls, %,d lines after the context stopped, %,d lost"
                            + " (%.1f %%)%n",
                    threads, calls, lines, calls - lines, 100.0 * (calls - lines) / calls);
        } finally {
            Fixtures.deleteRecursively(dir);
        }
    }

    /** Two producers, a slow consumer, and the lowest remaining capacity a third thread saw. */
    private static void sampleRemainingCapacity() throws InterruptedException {
        Disruptor<long[]> disruptor =
                new Disruptor<>(() -> new long[1], 1024, Thread::new, ProducerType.MULTI, new BlockingWaitStrategy());
        disruptor.handleEventsWith((event, sequence, endOfBatch) -> LockSupport.parkNanos(20_000));
        RingBuffer<long[]> ring = disruptor.start();
        AtomicBoolean running = new AtomicBoolean(true);
        Thread[] producers = new Thread[2];
        for (int p = 0; p < producers.length; p++) {
            producers[p] = new Thread(() -> {
                while (running.get()) {
                    ring.publishEvent((event, sequence) -> event[0] = sequence);
                }
            });
            producers[p].start();
        }
        long lowest = Long.MAX_VALUE;
        long negative = 0;
        long samples = 0;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
        while (System.nanoTime() < deadline) {
            long remaining = ring.remainingCapacity();
            lowest = Math.min(lowest, remaining);
            samples++;
            if (remaining < 0) {
                negative++;
            }
            Thread.onSpinWait();
        }
        running.set(false);
        for (Thread producer : producers) {
            producer.join();
        }
        disruptor.shutdown();
        System.out.printf(
                "Disruptor alone, 2 producers into a ring of 1,024: remainingCapacity() read negative in %,d of %,d"
                        + " samples, lowest %d%n",
                negative, samples, lowest);
    }
}
