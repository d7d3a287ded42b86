package io.actiontrail.internal.insights;

import static org.assertj.core.api.Assertions.assertThat;

import io.actiontrail.AuditEvent;
import io.actiontrail.EventRW;
import io.actiontrail.insights.Insights;
import io.actiontrail.internal.Warnings;
import io.actiontrail.internal.journal.MemoryJournal;
import io.actiontrail.sink.AuditRecord;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The hand-over from the journal's writer: counted by position, a missing batch read back from the journal's lines. */
class HandOverTest {

    private static final Instant T0 = Instant.parse("2026-01-05T10:00:30Z");

    @Test
    void aBatchThatNeverArrivedIsReadBackFromTheJournalAndNothingIsCountedTwice() {
        MemoryJournal journal = new MemoryJournal(1 << 20, entry -> {});
        List<AuditEvent> events = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            AuditEvent event = AuditEvent.builder("CreateOrder")
                    .eventTime(T0)
                    .eventRW(EventRW.WRITE)
                    .serviceName("orders")
                    .userAgent("client/" + i)
                    .build();
            events.add(event);
            assertThat(journal.append(AuditRecord.of(event), seq -> 0L)).isEqualTo(i);
        }
        InsightEngine engine = new InsightEngine(
                Insights.defaults(),
                null,
                Clock.fixed(T0, ZoneOffset.UTC),
                journal,
                e -> {},
                n -> {},
                new Warnings(),
                Map.of(),
                null);
        // positions 0-4 were dropped by a full hand-over; 5-9 arrive, then 3-7 again (out of order)
        engine.batch(5, events.subList(5, 10).toArray(), 5);
        engine.batch(3, events.subList(3, 8).toArray(), 5);

        int k = engine.keys.find(KeyTable.API_CALL, "CreateOrder", "orders");
        assertThat(engine.keys.count[k]).isEqualTo(10);
        assertThat(engine.position).isEqualTo(10);
        assertThat(engine.status().eventsReadBack()).isEqualTo(5);
    }
}
