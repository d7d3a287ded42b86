package io.actiontrail;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.actiontrail.insights.CounterKey;
import io.actiontrail.insights.CounterSeries;
import io.actiontrail.insights.InsightNotice;
import io.actiontrail.insights.InsightType;
import io.actiontrail.insights.Insights;
import io.actiontrail.query.LookupQuery;
import io.actiontrail.query.LookupResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Insights through a real {@link ActionTrail} with a disk journal, stopped in the middle of an insight in four ways:
 * every insight has exactly one {@code Start} and one {@code End} in the journal. Event times are set minute by minute
 * while the clock stays behind them, so that the events alone close the minutes, whatever the threads' timing.
 */
class InsightsRestartTest {

    /** How the instance stops in the middle of an insight. */
    enum Stop {
        /** {@code close()}: the state is saved with the insight open. */
        CLEAN,
        /** As if killed: the state on disk is the one saved before the insight started. */
        CRASH,
        /** The state file is gone: rebuilt from the journal. */
        STATE_LOST,
        /** The state file is damaged: rebuilt from the journal. */
        STATE_DAMAGED
    }

    private static final Instant T0 = Instant.parse("2026-01-05T08:00:00Z");

    @TempDir
    Path dir;

    private final MutableClock clock = new MutableClock(T0);
    private final List<InsightNotice> notices = new CopyOnWriteArrayList<>();

    @ParameterizedTest
    @EnumSource(Stop.class)
    void aRateInsightInterruptedByARestartStartsOnceAndEndsOnce(Stop stop) throws IOException {
        Path state = dir.resolve("insights").resolve("state.bin");
        Path before = dir.resolve("state-before-the-spike.bin");
        int minute = 0;
        try (ActionTrail at = open()) {
            for (; minute < 70; minute++) {
                record(at, minute, 5, "CreateOrder");
            }
            settle(at);
        }
        Files.copy(state, before);
        try (ActionTrail at = open()) {
            for (; minute < 73; minute++) {
                record(at, minute, 200, "CreateOrder"); // the spike: the insight starts when minute 71 closes
            }
            settle(at);
            assertThat(insights(at, "Start")).hasSize(1);
        }
        switch (stop) {
            case CLEAN -> {}
            case CRASH -> Files.copy(before, state, StandardCopyOption.REPLACE_EXISTING);
            case STATE_LOST -> Files.delete(state);
            case STATE_DAMAGED -> {
                byte[] bytes = Files.readAllBytes(state);
                bytes[bytes.length / 2] ^= 0x5a;
                Files.write(state, bytes);
            }
        }
        try (ActionTrail at = open()) {
            record(at, minute++, 200, "CreateOrder"); // still spiking after the restart
            for (int end = minute + 6; minute < end; minute++) {
                record(at, minute, 5, "CreateOrder");
            }
            settle(at);
            List<AuditEvent> starts = insights(at, "Start");
            List<AuditEvent> ends = insights(at, "End");
            assertThat(starts).as("starts").hasSize(1);
            assertThat(ends).as("ends").hasSize(1);
            assertThat(ends.get(0).sharedEventId()).isEqualTo(starts.get(0).sharedEventId());
            assertThat(starts.get(0).eventName()).isEqualTo("ApiCallRateInsight");
            assertThat(starts.get(0).resourceName()).isEqualTo("CreateOrder/svc");
            CounterSeries series = at.insightCounters(
                    CounterKey.apiCall("CreateOrder", "svc"), T0, T0.plus(Duration.ofHours(2)), Duration.ofMinutes(1));
            assertThat(series.points()).isNotEmpty();
            assertThat(series.points().get(0).count()).isEqualTo(5);
            assertThat(series.total()).isGreaterThanOrEqualTo(70 * 5 + 3 * 200);
        }
    }

    @ParameterizedTest
    @EnumSource(Stop.class)
    void aBurstInsightInterruptedByARestartStartsOnceAndEndsOnce(Stop stop) throws IOException {
        Path state = dir.resolve("insights").resolve("state.bin");
        Path before = dir.resolve("state-before.bin");
        int minute = 0;
        try (ActionTrail at = open()) {
            record(at, minute++, 1, "CreateOrder");
            settle(at);
        }
        Files.copy(state, before);
        try (ActionTrail at = open()) {
            record(at, minute++, 1, "ChangePassword");
            record(at, minute, 1, "CreateOrder");
            settle(at);
            assertThat(insights(at, "Start")).hasSize(1);
        }
        switch (stop) {
            case CLEAN -> {}
            case CRASH -> Files.copy(before, state, StandardCopyOption.REPLACE_EXISTING);
            case STATE_LOST -> Files.delete(state);
            case STATE_DAMAGED -> Files.write(state, new byte[] {1, 2, 3});
        }
        try (ActionTrail at = open()) {
            for (int end = minute + 5; minute < end; minute++) {
                record(at, minute, 1, "CreateOrder");
            }
            settle(at);
            List<AuditEvent> starts = insights(at, "Start");
            List<AuditEvent> ends = insights(at, "End");
            assertThat(starts).hasSize(1);
            assertThat(ends).hasSize(1);
            assertThat(starts.get(0).eventName()).isEqualTo("PasswordChangeInsight");
            assertThat(ends.get(0).sharedEventId()).isEqualTo(starts.get(0).sharedEventId());
        }
        assertThat(notices).extracting(InsightNotice::type).containsOnly(InsightType.PASSWORD_CHANGE);
    }

    private ActionTrail open() {
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
                })
                .insights(Insights.builder().build())
                .build();
    }

    private static void record(ActionTrail at, int minute, int events, String name) {
        Instant time = T0.plus(Duration.ofMinutes(minute)).plusSeconds(30);
        for (int i = 0; i < events; i++) {
            at.record(AuditEvent.builder(name)
                    .eventTime(time)
                    .eventRW(EventRW.WRITE)
                    .userIdentity(UserIdentity.user("u-" + (i % 7), "user-" + (i % 7)))
                    .sourceIpAddress("203.0.113.9")
                    .build());
        }
    }

    /**
     * Waits until insights counted everything the journal holds, including their own events. An insight event the
     * engine emitted while counting is queued before the engine publishes its position: read after that position, the
     * journal shows it queued or written, so the wait goes on until it is written and counted too.
     */
    private static void settle(ActionTrail at) {
        await().atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(10))
                .until(() -> {
                    JournalStatus before = at.journalStatus();
                    long counted = at.insightsStatus().position();
                    JournalStatus after = at.journalStatus();
                    return counted >= before.nextPosition()
                            && after.nextPosition() == before.nextPosition()
                            && after.queuedBytes() == 0;
                });
    }

    private static List<AuditEvent> insights(ActionTrail at, String state) {
        List<AuditEvent> out = new ArrayList<>();
        LookupResult page = at.lookup(LookupQuery.builder()
                .startTime(T0.minus(Duration.ofDays(1)))
                .endTime(T0.plus(Duration.ofDays(1)))
                .eventType(EventType.INSIGHT)
                .maxResults(100)
                .build());
        for (AuditEvent event : page.events()) {
            if (event.insightDetails() != null
                    && state.equals(event.insightDetails().get("state"))) {
                out.add(event);
            }
        }
        return out;
    }
}
