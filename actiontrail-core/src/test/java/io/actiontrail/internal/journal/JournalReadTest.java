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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How both journals fill a shipper's batch across several reads: the byte cap holds for the batch as a whole. */
class JournalReadTest {

    @TempDir
    Path dataDir;

    @Test
    void memoryJournalReadsAnOversizedEntryOnlyIntoAnEmptyBatch() throws InterruptedException {
        try (MemoryJournal journal = new MemoryJournal(1 << 20, entry -> {})) {
            assertOversizedEntryTravelsAlone(journal);
        }
    }

    @Test
    void diskJournalReadsAnOversizedEntryOnlyIntoAnEmptyBatch() throws InterruptedException {
        JournalSettings settings = new JournalSettings(
                dataDir,
                Durability.GROUP,
                Duration.ofMillis(100),
                1 << 20,
                Duration.ofDays(1),
                16L << 20,
                1 << 20,
                true);
        try (DiskJournal journal = new DiskJournal(settings, Clock.systemUTC(), new Warnings())) {
            journal.start(Thread::new);
            assertOversizedEntryTravelsAlone(journal);
        }
    }

    private static void assertOversizedEntryTravelsAlone(Journal journal) throws InterruptedException {
        append(journal, "Small", 100);
        append(journal, "Big", 2000);
        append(journal, "After", 100);
        assertThat(journal.awaitHead(3, Duration.ofSeconds(20).toNanos())).isTrue();
        Reader reader = new Reader();

        // a batch that already holds the small event has 400 bytes left: the big one waits for the next batch
        List<Journal.Entry> batch = new ArrayList<>();
        journal.read(reader, 1, 500, batch);
        assertThat(names(batch)).containsExactly("Small");
        Journal.Read more = journal.read(reader, 10, 400, batch);
        assertThat(names(batch)).containsExactly("Small");
        assertThat(more.full()).isTrue();

        // an empty batch takes it, alone
        List<Journal.Entry> next = new ArrayList<>();
        journal.read(reader, 10, 500, next);
        assertThat(names(next)).containsExactly("Big");
        List<Journal.Entry> last = new ArrayList<>();
        journal.read(reader, 10, 500, last);
        assertThat(names(last)).containsExactly("After");
    }

    private static void append(Journal journal, String name, int padding) {
        AuditEvent event = AuditEvent.builder(name)
                .requestParameter("p", "x".repeat(padding))
                .build();
        journal.append(AuditRecord.of(event), seq -> 1L);
    }

    private static List<String> names(List<Journal.Entry> entries) {
        return entries.stream().map(e -> e.record.event().eventName()).toList();
    }

    /** One shipper that every event is routed to. */
    private static final class Reader implements Journal.Reader {
        private long position;

        @Override
        public long mask() {
            return 1L;
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
