package io.actiontrail.internal.journal;

import static org.assertj.core.api.Assertions.assertThat;

import io.actiontrail.AuditEvent;
import io.actiontrail.Durability;
import io.actiontrail.internal.Warnings;
import io.actiontrail.sink.AuditRecord;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a crashed machine can lose in {@link Durability#GROUP}: callers recording flat out into a real disk journal,
 * each call checked against every call that returned more than {@code fsyncInterval} before it began. Those must be
 * fsynced by the time it returns, because a caller is not acknowledged while an event appended longer than the
 * interval before is not fsynced. The check uses the times the callers took and the journal's durable position, not
 * how fast anything ran.
 */
class GroupDurabilityWindowTest {

    private static final Duration FSYNC_INTERVAL = Duration.ofMillis(20);
    private static final int THREADS = 4;
    private static final long RECORD_NANOS = TimeUnit.SECONDS.toNanos(2);
    private static final int MAX_CALLS_PER_THREAD = 400_000;

    @TempDir
    Path dataDir;

    /** One {@code append} call: its position, when it began and returned, and the durable position after it. */
    private record Call(long seq, long beginNanos, long endNanos, long durableAfter) {}

    @Test
    void noEventIsAcknowledgedWhileOneAppendedMoreThanTheFsyncIntervalEarlierIsNotFsynced() throws Exception {
        JournalSettings settings = new JournalSettings(
                dataDir, Durability.GROUP, FSYNC_INTERVAL, 1 << 20, Duration.ofDays(1), 1L << 40, 16 << 20, false);
        List<Call> calls = new ArrayList<>();
        try (DiskJournal journal = new DiskJournal(settings, Clock.systemUTC(), new Warnings())) {
            journal.start(Thread::new);
            List<List<Call>> perThread = new ArrayList<>();
            List<Thread> threads = new ArrayList<>();
            long until = System.nanoTime() + RECORD_NANOS;
            for (int t = 0; t < THREADS; t++) {
                List<Call> mine = new ArrayList<>();
                perThread.add(mine);
                int thread = t;
                Thread recorder = new Thread(() -> {
                    String padding = "x".repeat(300 + 100 * thread);
                    for (int n = 0; n < MAX_CALLS_PER_THREAD && System.nanoTime() < until; n++) {
                        AuditEvent event = AuditEvent.builder("Write")
                                .requestParameter("n", n)
                                .requestParameter("padding", padding)
                                .build();
                        long begin = System.nanoTime();
                        long seq = journal.append(event, AuditRecord::of, s -> 0);
                        long end = System.nanoTime();
                        mine.add(new Call(seq, begin, end, journal.durableSeq()));
                    }
                });
                threads.add(recorder);
                recorder.start();
            }
            for (Thread thread : threads) {
                thread.join();
            }
            perThread.forEach(calls::addAll);
        }
        assertThat(calls).as("calls").hasSizeGreaterThan(1000).allSatisfy(c -> assertThat(c.seq)
                .isNotNegative());

        // by return time, the highest position among the calls that returned before a given time
        Call[] byEnd = calls.toArray(new Call[0]);
        Arrays.sort(byEnd, Comparator.comparingLong(Call::endNanos));
        long[] ends = new long[byEnd.length];
        long[] highestSeq = new long[byEnd.length];
        long highest = -1;
        for (int i = 0; i < byEnd.length; i++) {
            ends[i] = byEnd[i].endNanos;
            highest = Math.max(highest, byEnd[i].seq);
            highestSeq[i] = highest;
        }
        long checked = 0;
        List<String> violations = new ArrayList<>();
        for (Call call : calls) {
            int before = insertionPoint(ends, call.beginNanos - FSYNC_INTERVAL.toNanos());
            if (before == 0) {
                continue;
            }
            checked++;
            if (highestSeq[before - 1] >= call.durableAfter && violations.size() < 5) {
                violations.add(String.format(
                        "position %d returned more than %d ms before the call of position %d began, but only"
                                + " positions below %d were fsynced when it returned",
                        highestSeq[before - 1], FSYNC_INTERVAL.toMillis(), call.seq, call.durableAfter));
            }
        }
        assertThat(checked)
                .as("calls that began more than the interval after another returned")
                .isPositive();
        assertThat(violations)
                .as("acknowledged while an older event was not fsynced")
                .isEmpty();
    }

    /** How many of the sorted {@code values} are below {@code key}. */
    private static int insertionPoint(long[] values, long key) {
        int i = Arrays.binarySearch(values, key);
        if (i < 0) {
            return -i - 1;
        }
        while (i > 0 && values[i - 1] == key) {
            i--;
        }
        return i;
    }
}
