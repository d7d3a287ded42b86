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
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The disk journal's readers take the route bits decided at append; events an earlier process appended are routed
 * from their lines once, whatever the number of readers.
 */
class RoutingTest {

    @TempDir
    Path dataDir;

    private JournalSettings settings() {
        return new JournalSettings(
                dataDir,
                Durability.GROUP,
                Duration.ofMillis(50),
                1 << 20,
                Duration.ofDays(1),
                64L << 20,
                1 << 20,
                true);
    }

    private static void append(Journal journal, String name, long bits) {
        journal.append(AuditRecord.of(AuditEvent.builder(name).build()), seq -> bits);
    }

    private static List<String> readAll(Journal journal, Reader reader) {
        List<Journal.Entry> out = new ArrayList<>();
        journal.read(reader, 1000, 1 << 20, out);
        return out.stream().map(e -> e.record.event().eventName()).toList();
    }

    @Test
    void readersTakeTheBitsDecidedAtAppendNotALineDecision() throws InterruptedException {
        AtomicInteger lineDecisions = new AtomicInteger();
        try (DiskJournal journal = new DiskJournal(settings(), Clock.systemUTC(), new Warnings())) {
            // a line router that would send every event to both readers: if a reader asked it, the test would see
            journal.lineRouter((seq, fields) -> {
                lineDecisions.incrementAndGet();
                return 0b11;
            });
            Reader first = new Reader(0b01);
            Reader second = new Reader(0b10);
            journal.register(first);
            journal.register(second);
            journal.start(Thread::new);
            append(journal, "ToFirst", 0b01);
            append(journal, "ToSecond", 0b10);
            append(journal, "ToBoth", 0b11);
            append(journal, "ToNobody", 0);
            assertThat(journal.awaitHead(4, Duration.ofSeconds(20).toNanos())).isTrue();

            assertThat(readAll(journal, first)).containsExactly("ToFirst", "ToBoth");
            assertThat(readAll(journal, second)).containsExactly("ToSecond", "ToBoth");
            assertThat(lineDecisions).hasValue(0);
            assertThat(first.readPosition()).isEqualTo(4);
        }
    }

    @Test
    void eventsOfAnEarlierProcessAreRoutedFromTheirLinesOnce() throws InterruptedException {
        try (DiskJournal journal = new DiskJournal(settings(), Clock.systemUTC(), new Warnings())) {
            journal.start(Thread::new);
            for (int i = 0; i < 10; i++) {
                append(journal, i % 2 == 0 ? "Even" : "Odd", 0b11);
            }
            assertThat(journal.awaitHead(10, Duration.ofSeconds(20).toNanos())).isTrue();
        }
        AtomicInteger lineDecisions = new AtomicInteger();
        try (DiskJournal reopened = new DiskJournal(settings(), Clock.systemUTC(), new Warnings())) {
            // after the restart the trails say: even events to the first reader, odd ones to the second
            reopened.lineRouter((seq, fields) -> {
                lineDecisions.incrementAndGet();
                return fields.eventName.equals("Even") ? 0b01 : 0b10;
            });
            Reader first = new Reader(0b01);
            Reader second = new Reader(0b10);
            reopened.register(first);
            reopened.register(second);
            assertThat(reopened.countBacklog(List.of(first, second))).containsExactly(5, 5);
            reopened.start(Thread::new);
            append(reopened, "Live", 0b10);
            assertThat(reopened.awaitHead(11, Duration.ofSeconds(20).toNanos())).isTrue();

            assertThat(readAll(reopened, first)).containsExactly("Even", "Even", "Even", "Even", "Even");
            assertThat(readAll(reopened, second)).containsExactly("Odd", "Odd", "Odd", "Odd", "Odd", "Live");
            assertThat(lineDecisions)
                    .as("one decision per recovered event, none for the live one")
                    .hasValue(10);
        }
    }

    @Test
    void theTableKeepsOrderedPositionsAndLetsGoOfWhatReadersPassed() {
        RouteTable table = new RouteTable();
        long[] out = new long[1];
        assertThat(table.lookup(0, out)).isFalse();
        for (long seq = 100; seq < 100 + 10_000; seq++) {
            table.set(seq, seq % 7);
        }
        assertThat(table.lookup(99, out)).isFalse();
        assertThat(table.lookup(100 + 10_000, out)).isFalse();
        assertThat(table.lookup(5_000, out)).isTrue();
        assertThat(out[0]).isEqualTo(5_000 % 7);
        table.releaseBelow(9_000);
        assertThat(table.lookup(150, out)).as("released").isFalse();
        assertThat(table.lookup(9_000, out)).isTrue();
        assertThat(out[0]).isEqualTo(9_000 % 7);
        // a gap starts the table again at the new position
        table.set(50_000, 3);
        assertThat(table.lookup(9_000, out)).isFalse();
        assertThat(table.lookup(50_000, out)).isTrue();
        assertThat(out[0]).isEqualTo(3);
        assertThat(table.size()).isEqualTo(1);
    }

    @Test
    void theTableIsBoundedWhateverTheBacklog() {
        RouteTable table = new RouteTable();
        long entries = RouteTable.MAX_ENTRIES + 3L * 4096;
        for (long seq = 0; seq < entries; seq++) {
            table.set(seq, 1);
        }
        assertThat(table.size()).isLessThanOrEqualTo(RouteTable.MAX_ENTRIES);
        long[] out = new long[1];
        assertThat(table.lookup(0, out)).as("the oldest went").isFalse();
        assertThat(table.lookup(entries - 1, out)).isTrue();
    }

    /** A reader with one bit. */
    private static final class Reader implements Journal.Reader {
        private final long mask;
        private long position;

        Reader(long mask) {
            this.mask = mask;
        }

        @Override
        public long mask() {
            return mask;
        }

        @Override
        public long readPosition() {
            return position;
        }

        @Override
        public void readPosition(long position) {
            this.position = position;
        }

        @Override
        public void lost(long events, String reason, String detail) {}
    }
}
