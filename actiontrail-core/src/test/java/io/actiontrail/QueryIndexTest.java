package io.actiontrail;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.actiontrail.query.Aggregation;
import io.actiontrail.query.AggregationResult;
import io.actiontrail.query.Attribute;
import io.actiontrail.query.Condition;
import io.actiontrail.query.LookupQuery;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The journal's secondary index as a user meets it: its files, retention, the switch, and the answers. */
class QueryIndexTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(20);
    private static final String PAYLOAD = "x".repeat(400);

    @TempDir
    Path dataDir;

    private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
    private final List<ActionTrail> opened = new ArrayList<>();

    @AfterEach
    void closeAll() {
        opened.forEach(a -> a.close(Duration.ofSeconds(2)));
    }

    private ActionTrail open(boolean queryIndex) {
        ActionTrail actionTrail = ActionTrail.builder()
                .serviceName("svc")
                .shutdownHook(false)
                .clock(clock)
                .dataDir(dataDir)
                .segmentBytes(64 * 1024)
                .queryIndex(queryIndex)
                .build();
        opened.add(actionTrail);
        return actionTrail;
    }

    private List<String> files(String suffix) {
        try (Stream<Path> files = Files.list(dataDir)) {
            return files.map(f -> f.getFileName().toString())
                    .filter(f -> f.endsWith(suffix))
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static AuditEvent event(String name, int i) {
        return AuditEvent.builder(name)
                .resource("Order", "o-" + (i % 10))
                .requestParameter("p", PAYLOAD)
                .build();
    }

    @Test
    void everySealedSegmentGetsAnIndexFileAndRetentionDeletesItWithItsSegment() {
        ActionTrail actionTrail = open(true);
        for (int i = 0; i < 400; i++) {
            actionTrail.record(event("Old", i));
        }
        await().atMost(TIMEOUT).until(() -> actionTrail.journalStatus().nextPosition() == 400);
        int sealed = actionTrail.journalStatus().segments() - 1;
        assertThat(sealed).isGreaterThan(2);
        await().atMost(TIMEOUT).until(() -> files(".qidx").size() == sealed);
        assertThat(files(".qidx"))
                .containsExactlyElementsOf(files(".jsonl").subList(0, sealed).stream()
                        .map(f -> f + ".qidx")
                        .toList());

        clock.advance(Duration.ofDays(91));
        actionTrail.record(event("Recent", 0));
        await().atMost(TIMEOUT).until(() -> actionTrail.journalStatus().nextPosition() == 401);
        actionTrail.maintainJournal();

        List<String> segments = files(".jsonl");
        assertThat(segments).hasSize(actionTrail.journalStatus().segments());
        assertThat(files(".qidx"))
                .allSatisfy(index -> assertThat(segments).contains(index.substring(0, index.length() - 5)));
        assertThat(actionTrail.journalStatus().indexRebuilds()).isZero();
        assertThat(actionTrail
                        .lookup(LookupQuery.builder()
                                .where(Condition.is(Attribute.RESOURCE, "Order/o-0"))
                                .build())
                        .events())
                .extracting(AuditEvent::eventName)
                .containsExactly("Recent");
    }

    @Test
    void withoutTheIndexNoIndexFileIsWrittenAndTheAnswersAreTheSame() {
        ActionTrail plain = open(false);
        for (int i = 0; i < 300; i++) {
            plain.record(event(i % 3 == 0 ? "Create" : "Get", i));
        }
        assertThat(plain.flush(TIMEOUT)).isTrue();
        LookupQuery q = LookupQuery.builder()
                .where(Condition.is(Attribute.EVENT_NAME, "Create"))
                .where(Condition.startsWith(Attribute.RESOURCE_NAME, "o-1"))
                .startTime(clock.instant().minus(Duration.ofDays(1)))
                .build();
        List<AuditEvent> expected = plain.lookup(q).events();
        AggregationResult counts =
                plain.aggregate(Aggregation.histogram(q, Duration.ofHours(1)).withTop(Attribute.RESOURCE, 3));
        assertThat(expected).hasSize(10);
        plain.close(Duration.ofSeconds(2));
        opened.remove(plain);
        assertThat(files(".qidx")).isEmpty();

        // the index is built when it is switched on: the missing files count as rebuilds
        ActionTrail indexed = open(true);
        int sealed = indexed.journalStatus().segments() - 1;
        assertThat(indexed.journalStatus().indexRebuilds()).isEqualTo(sealed);
        await().atMost(TIMEOUT).until(() -> files(".qidx").size() == sealed);
        assertThat(indexed.lookup(q).events())
                .extracting(AuditEvent::eventId)
                .containsExactlyElementsOf(
                        expected.stream().map(AuditEvent::eventId).toList());
        assertThat(indexed.aggregate(
                        Aggregation.histogram(q, Duration.ofHours(1)).withTop(Attribute.RESOURCE, 3)))
                .isEqualTo(counts);
    }

    @Test
    void theActiveSegmentIsFoundThroughItsIndexInMemory() {
        ActionTrail actionTrail = open(true);
        actionTrail.record(AuditEvent.builder("First").resource("Doc", "d-1").build());
        assertThat(actionTrail.flush(TIMEOUT)).isTrue();
        LookupQuery q = LookupQuery.builder()
                .where(Condition.is(Attribute.RESOURCE, "Doc/d-1"))
                .build();
        assertThat(actionTrail.lookup(q).events())
                .extracting(AuditEvent::eventName)
                .containsExactly("First");
        // the in-memory index catches up with what was written since
        actionTrail.record(AuditEvent.builder("Second").resource("Doc", "d-1").build());
        actionTrail.record(AuditEvent.builder("Other").resource("Doc", "d-2").build());
        assertThat(actionTrail.flush(TIMEOUT)).isTrue();
        assertThat(actionTrail.lookup(q).events())
                .extracting(AuditEvent::eventName)
                .containsExactly("Second", "First");
        AggregationResult counts = actionTrail.aggregate(Aggregation.histogram(
                        LookupQuery.builder()
                                .startTime(Instant.now().minus(Duration.ofDays(1)))
                                .endTime(Instant.now().plus(Duration.ofDays(1)))
                                .build(),
                        Duration.ofHours(1))
                .withTop(Attribute.RESOURCE, 5));
        assertThat(counts.matched()).isEqualTo(3);
        assertThat(counts.top())
                .containsExactly(
                        new AggregationResult.ValueCount("Doc/d-1", 2), new AggregationResult.ValueCount("Doc/d-2", 1));
    }
}
