package io.actiontrail;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.actiontrail.insights.InsightNotice;
import io.actiontrail.insights.InsightType;
import io.actiontrail.insights.Insights;
import io.actiontrail.trail.EventSelector;
import io.actiontrail.trail.Trail;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Trail concealment as an {@link ActionTrail} sees it, and insights as events: recorded, selected, looked up. */
class InsightsTest {

    private static final Instant T0 = Instant.parse("2026-01-05T08:00:00Z");

    @TempDir
    Path dir;

    private final MutableClock clock = new MutableClock(T0);
    private final List<InsightNotice> notices = new CopyOnWriteArrayList<>();

    @Test
    void stoppingATrailIsAConcealmentInsightShippedByAnInsightsOnlyTrail() {
        ScriptedSink insightsSink = new ScriptedSink("insights");
        ScriptedSink main = new ScriptedSink("main");
        try (ActionTrail at = builder()
                .trail(Trail.builder("main").sink(main).build())
                .trail(Trail.builder("alerts")
                        .selector(EventSelector.insights())
                        .sink(insightsSink)
                        .build())
                .build()) {
            at.record(AuditEvent.builder("CreateOrder").eventTime(T0).build());
            at.stopLogging("main");
            awaitNotice(InsightType.TRAIL_CONCEALMENT);
            assertThat(at.flush(Duration.ofSeconds(10))).isTrue();
            assertThat(insightsSink.eventNames()).containsExactly("TrailConcealmentInsight");
            InsightNotice notice = notices.get(0);
            assertThat(notice.insightObject()).isEqualTo("trail:main");
            assertThat(notice.event().insightDetails()).isNotNull();
            assertThat(String.valueOf(notice.event().insightDetails())).contains("StopLogging");
            assertThat(at.insightsStatus().started()).containsEntry(InsightType.TRAIL_CONCEALMENT, 1L);
        }
    }

    @Test
    void aSelectorChangedBetweenStartsIsAConcealmentInsight() {
        try (ActionTrail at = builder()
                .trail(Trail.builder("main").sink(new ScriptedSink("s")).build())
                .build()) {
            at.record(AuditEvent.builder("CreateOrder").eventTime(T0).build());
        }
        assertThat(notices).isEmpty();
        try (ActionTrail at = builder()
                .trail(Trail.builder("main")
                        .selector(EventSelector.reads())
                        .sink(new ScriptedSink("s"))
                        .build())
                .build()) {
            awaitNotice(InsightType.TRAIL_CONCEALMENT);
            assertThat(String.valueOf(notices.get(0).event().insightDetails())).contains("SelectorChanged");
            assertThat(at.insightsStatus().enabled()).isTrue();
        }
    }

    @Test
    void journalFilesRemovedBehindItsBackAreAConcealmentInsight() throws IOException {
        try (ActionTrail at = builder().segmentBytes(64 * 1024).build()) {
            for (int i = 0; i < 400; i++) {
                at.record(AuditEvent.builder("CreateOrder")
                        .eventTime(T0)
                        .requestParameter("padding", "x".repeat(400))
                        .build());
            }
            assertThat(at.flush(Duration.ofSeconds(10))).isTrue();
            Path oldest;
            try (Stream<Path> files = Files.list(dir)) {
                oldest = files.filter(f -> f.toString().endsWith(".jsonl"))
                        .sorted()
                        .findFirst()
                        .orElseThrow();
            }
            Files.delete(oldest);
            clock.advance(Duration.ofMinutes(1)); // the engine checks the files once a minute of the clock
            awaitNotice(InsightType.TRAIL_CONCEALMENT);
            assertThat(String.valueOf(notices.get(0).event().insightDetails()))
                    .contains("FilesRemoved")
                    .contains(String.valueOf(oldest.getFileName()));
        }
    }

    @Test
    void insightsOffStartNothingAndKeepNothing() {
        try (ActionTrail at = builder()
                .insights(Insights.disabled())
                .trail(Trail.builder("main").sink(new ScriptedSink("s")).build())
                .build()) {
            at.record(AuditEvent.builder("ChangePassword").eventTime(T0).build());
            at.stopLogging("main");
            assertThat(at.flush(Duration.ofSeconds(10))).isTrue();
        }
        assertThat(dir.resolve("insights")).doesNotExist();
        try (ActionTrail at = builder().insights(Insights.disabled()).build()) {
            assertThat(at.insightsStatus().enabled()).isFalse();
            assertThat(at.insightCounters(
                                    io.actiontrail.insights.CounterKey.principal("p"),
                                    T0,
                                    T0.plusSeconds(60),
                                    Duration.ofMinutes(1))
                            .points())
                    .isEmpty();
        }
        assertThat(notices).isEmpty();
    }

    @Test
    void insightsRunOnTheMemoryJournalToo() {
        try (ActionTrail at = builder().durability(Durability.MEMORY).build()) {
            at.record(AuditEvent.builder("ResetPassword").eventTime(T0).build());
            awaitNotice(InsightType.PASSWORD_CHANGE);
            assertThat(at.lookup(io.actiontrail.query.LookupQuery.builder()
                                    .startTime(T0.minusSeconds(60))
                                    .endTime(T0.plusSeconds(60))
                                    .eventType(EventType.INSIGHT)
                                    .build())
                            .events())
                    .extracting(AuditEvent::eventName)
                    .containsExactly("PasswordChangeInsight");
        }
        assertThat(dir.resolve("insights")).doesNotExist();
    }

    private ActionTrail.Builder builder() {
        return ActionTrail.builder()
                .serviceName("svc")
                .dataDir(dir)
                .clock(clock)
                .shutdownHook(false)
                .deliveryListener(new DeliveryListener() {
                    @Override
                    public void onInsight(InsightNotice notice) {
                        notices.add(notice);
                    }
                });
    }

    private void awaitNotice(InsightType type) {
        await().atMost(Duration.ofSeconds(20)).until(() -> notices.stream().anyMatch(n -> n.type() == type));
    }
}
