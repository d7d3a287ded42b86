package io.actiontrail.internal.insights;

import static org.assertj.core.api.Assertions.assertThat;

import io.actiontrail.AuditEvent;
import io.actiontrail.EventRW;
import io.actiontrail.UserIdentity;
import io.actiontrail.insights.Insights;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The memory of 10,000 counters, measured: what the JVM allocated to hold them, growth included. */
class KeyTableMemoryTest {

    private static final long LIMIT = 16L * 1024 * 1024;

    @TempDir
    Path dir;

    @Test
    void tenThousandKeysTakeAtMostSixteenMegabytes() {
        List<String> names = new ArrayList<>();
        for (int i = 0; i < 10_000; i++) {
            names.add("Operation" + i);
        }
        long before = allocated();
        KeyTable table = new KeyTable(Insights.DEFAULT_MAX_KEYS);
        for (int i = 0; i < names.size(); i++) {
            int k = table.intern(KeyTable.API_CALL, names.get(i), "orders", 0);
            table.count[k] = i;
            for (int w = 0; w < KeyTable.WINDOWS; w++) {
                table.baseMean[k * KeyTable.WINDOWS + w] = w;
                table.baseStd[k * KeyTable.WINDOWS + w] = 1;
            }
        }
        long allocated = allocated() - before;
        assertThat(table.size()).isEqualTo(10_000);
        for (int i = 0; i < names.size(); i++) {
            assertThat(table.find(KeyTable.API_CALL, names.get(i), "orders")).isEqualTo(i);
        }
        assertThat(table.arrayBytes()).isLessThanOrEqualTo(LIMIT);
        assertThat(allocated).as("bytes allocated for 10,000 keys").isBetween(1L, LIMIT);
    }

    @Test
    void anEngineCountingTenThousandKeysForAnHourStaysWithinSixteenMegabytes() {
        List<AuditEvent> events = new ArrayList<>();
        long start = Instant.parse("2026-01-05T00:00:00Z").toEpochMilli();
        for (int i = 0; i < 10_000; i++) {
            events.add(AuditEvent.builder("Operation" + i)
                    .eventRW(EventRW.WRITE)
                    .serviceName("orders")
                    .userIdentity(UserIdentity.user("u-" + (i % 100), "user"))
                    .sourceIpAddress("203.0.113." + (i % 100))
                    .eventTime(Instant.ofEpochMilli(start))
                    .build());
        }
        Simulation warm = new Simulation(Insights.defaults(), dir.resolve("warm"), 1);
        warm.engine.count(events.get(0)); // classes loaded before measuring
        System.gc();
        long heapBefore = usedHeap();
        long before = allocated();
        // room for every key: the 10,000 operations and the 100 principals (the default limit is 10,000)
        Simulation sim = new Simulation(Insights.builder().maxKeys(10_100).build(), dir.resolve("run"), 1);
        for (AuditEvent event : events) {
            sim.engine.count(event);
        }
        long afterFirstMinute = allocated() - before;
        System.gc();
        long retained = usedHeap() - heapBefore;
        assertThat(sim.engine.keys.size()).isEqualTo(10_000 + 100); // and the principals
        assertThat(afterFirstMinute)
                .as("bytes allocated to count 10,000 new keys")
                .isLessThanOrEqualTo(LIMIT);
        assertThat(retained).as("heap retained by the engine").isLessThanOrEqualTo(LIMIT);
        assertThat(sim.engine.keys.arrayBytes()).isLessThanOrEqualTo(LIMIT);
    }

    private static long allocated() {
        return ((com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean())
                .getThreadAllocatedBytes(Thread.currentThread().getId());
    }

    private static long usedHeap() {
        Runtime r = Runtime.getRuntime();
        return r.totalMemory() - r.freeMemory();
    }
}
