package io.actiontrail;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.actiontrail.sink.AuditBatch;
import io.actiontrail.sink.AuditRecord;
import io.actiontrail.sink.AuditSink;
import io.actiontrail.sink.DeliveryException;
import io.actiontrail.trail.RetryPolicy;
import io.actiontrail.trail.Trail;
import io.actiontrail.trail.TrailStatus;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A sink that is down while hundreds of megabytes of events are recorded: the backlog goes to disk, the heap stays
 * flat (measured after a collection at every step, in a 512 MiB heap), the status tells the story, and when the sink
 * comes back every event arrives exactly once and in journal order.
 */
class OutageIT {

    private static final int EVENTS = 560_000;
    private static final int STEPS = 4;
    private static final String PAYLOAD = "o".repeat(360);

    @TempDir
    Path dataDir;

    /** Down until told otherwise; when up, checks that events arrive in order, storing nothing per event. */
    static final class OrderCheckingSink implements AuditSink {
        private static final Pattern INDEX = Pattern.compile("\"eventName\":\"E(\\d+)\"");
        private volatile boolean down = true;
        private final AtomicLong next = new AtomicLong();
        private final AtomicLong outOfOrder = new AtomicLong();

        @Override
        public void write(AuditBatch batch) throws DeliveryException {
            if (down) {
                throw DeliveryException.retryable("destination down for maintenance")
                        .withErrorCode("Unavailable");
            }
            for (AuditRecord record : batch.records()) {
                Matcher m = INDEX.matcher(record.json());
                long index = m.find() ? Long.parseLong(m.group(1)) : -1;
                if (!next.compareAndSet(index, index + 1)) {
                    outOfOrder.incrementAndGet();
                }
            }
        }

        @Override
        public String name() {
            return "down";
        }
    }

    private static long heapAfterGc(MemoryMXBean memory) {
        long best = Long.MAX_VALUE;
        for (int i = 0; i < 3; i++) {
            memory.gc();
            best = Math.min(best, memory.getHeapMemoryUsage().getUsed());
        }
        return best;
    }

    @Test
    void aLongOutageCostsDiskNotHeapAndEverythingArrivesInOrderAfterwards() {
        OrderCheckingSink sink = new OrderCheckingSink();
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        try (ActionTrail actionTrail = ActionTrail.builder()
                .serviceName("svc")
                .dataDir(dataDir)
                .segmentBytes(16L * 1024 * 1024)
                .shutdownHook(false)
                .trail(Trail.builder("t")
                        .sink(sink)
                        .retryPolicy(new RetryPolicy(Duration.ofMillis(50), Duration.ofMillis(500), 2.0, 0.2))
                        .build())
                .build()) {
            long baseline = heapAfterGc(memory);
            List<Long> heap = new ArrayList<>();
            List<Long> disk = new ArrayList<>();
            List<Long> pending = new ArrayList<>();
            int perStep = EVENTS / STEPS;
            for (int step = 0; step < STEPS; step++) {
                for (int i = step * perStep; i < (step + 1) * perStep; i++) {
                    actionTrail.record(AuditEvent.builder("E" + i)
                            .resourceType("Order")
                            .resourceName("order-" + i)
                            .requestParameter("note", PAYLOAD)
                            .build());
                }
                int recorded = (step + 1) * perStep;
                await().atMost(Duration.ofMinutes(1))
                        .until(() -> actionTrail.journalStatus().nextPosition() == recorded);
                TrailStatus.SinkStatus status = actionTrail.status("t").sink("down");
                assertThat(status.isFailing()).isTrue();
                assertThat(status.latestDeliveryError()).contains("destination down");
                assertThat(status.latestDeliveryErrorCode()).isEqualTo("Unavailable");
                assertThat(status.oldestPendingAge()).isNotNull();
                assertThat(status.delivered()).isZero();
                assertThat(status.dropped()).isEmpty();
                heap.add(heapAfterGc(memory));
                disk.add(actionTrail.journalStatus().diskBytes());
                pending.add(status.pending());
            }
            System.out.printf(
                    "OutageIT: baseline heap %d MB; after each step: disk %s MB, heap %s MB, pending %s%n",
                    baseline >> 20,
                    disk.stream().map(b -> b >> 20).toList(),
                    heap.stream().map(b -> b >> 20).toList(),
                    pending);

            assertThat(disk.get(STEPS - 1)).isGreaterThan(300L * 1024 * 1024);
            assertThat(pending).isSorted().last().isEqualTo((long) EVENTS);
            // the backlog grew by hundreds of MB on disk; the heap did not follow it
            long growth = heap.get(STEPS - 1) - heap.get(0);
            assertThat(growth).isLessThan(32L * 1024 * 1024);
            assertThat(heap.get(STEPS - 1)).isLessThan(baseline + 64L * 1024 * 1024);

            sink.down = false;
            assertThat(actionTrail.flush(Duration.ofMinutes(5))).isTrue();
            TrailStatus.SinkStatus done = actionTrail.status("t").sink("down");
            assertThat(done.delivered()).isEqualTo(EVENTS);
            assertThat(done.pending()).isZero();
            assertThat(done.isFailing()).isFalse();
            assertThat(sink.next.get()).isEqualTo(EVENTS);
            assertThat(sink.outOfOrder.get()).isZero();
        }
    }
}
