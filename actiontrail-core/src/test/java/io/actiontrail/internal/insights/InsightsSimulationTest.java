package io.actiontrail.internal.insights;

import static org.assertj.core.api.Assertions.assertThat;

import io.actiontrail.AuditEvent;
import io.actiontrail.EventCategory;
import io.actiontrail.EventRW;
import io.actiontrail.EventType;
import io.actiontrail.UserIdentity;
import io.actiontrail.insights.InsightNotice;
import io.actiontrail.insights.InsightType;
import io.actiontrail.insights.Insights;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Weeks of synthetic traffic in seconds, on simulated time, through the engine itself: the rule's defaults against a
 * daily cycle, weekends and noise; spikes; and every type on and off.
 */
class InsightsSimulationTest {

    private static final int DAY = 1440;

    @TempDir
    Path dir;

    @Test
    void anInjectedSpikeStartsAnInsightWithinTwoMinutesAndEndsItAfterItSubsides() {
        Simulation sim = new Simulation(Insights.defaults(), dir, 42);
        int spikeStart = 15 * DAY + 10 * 60; // a Tuesday, 10:00, with two weeks of history
        int spikeEnd = spikeStart + 10;
        for (int minute = 0; minute < spikeEnd + 30; minute++) {
            sim.traffic(minute, 1);
            if (minute >= spikeStart && minute < spikeEnd) {
                sim.writes(minute, "CreateOrder", "orders", 400, false, "AK-orders");
            }
            sim.endOf(minute);
        }
        List<InsightNotice> starts = sim.starts(InsightType.API_CALL_RATE);
        List<InsightNotice> ends = sim.ends(InsightType.API_CALL_RATE);
        assertThat(starts).hasSize(1);
        assertThat(ends).hasSize(1);
        InsightNotice start = starts.get(0);
        assertThat(start.insightObject()).isEqualTo("CreateOrder/orders");
        assertThat(start.time())
                .isBefore(
                        Instant.ofEpochMilli(Simulation.millis(spikeStart + 2)).plusMillis(1));
        assertThat(start.time()).isAfter(Instant.ofEpochMilli(Simulation.millis(spikeStart)));
        InsightNotice end = ends.get(0);
        assertThat(end.sharedEventId()).isEqualTo(start.sharedEventId());
        assertThat(end.time()).isAfterOrEqualTo(Instant.ofEpochMilli(Simulation.millis(spikeEnd)));
        assertThat(end.time()).isBeforeOrEqualTo(Instant.ofEpochMilli(Simulation.millis(spikeEnd + 3)));
        assertThat(start.baselineAverage()).isBetween(5.0, 60.0);
        assertThat(start.insightAverage()).isGreaterThan(300.0);

        AuditEvent event = start.event();
        assertThat(event.eventType()).isEqualTo(EventType.INSIGHT);
        assertThat(event.eventCategory()).isEqualTo(EventCategory.INSIGHT);
        Map<String, Object> details = java.util.Objects.requireNonNull(event.insightDetails());
        assertThat(details).containsEntry("state", "Start").containsEntry("insightType", "ApiCallRateInsight");
        @SuppressWarnings("unchecked")
        Map<String, Object> context = (Map<String, Object>) details.get("insightContext");
        assertThat(context).containsKeys("statistics", "attributions");
        assertThat(String.valueOf(java.util.Objects.requireNonNull(context).get("attributions")))
                .contains("principal")
                .contains("userAgent")
                .contains("sourceIpAddress")
                .contains("tenant");
        assertThat(sim.recorded).contains(event, end.event());
    }

    @Test
    void aSeasonalBaselineGivesAtMostOneFalseInsightPerWeekPerType() {
        Simulation sim = new Simulation(Insights.defaults(), dir, 7);
        int weeks = 3;
        for (int minute = 0; minute < weeks * 7 * DAY; minute++) {
            sim.traffic(minute, 1);
            sim.endOf(minute);
        }
        for (InsightType type : InsightType.values()) {
            assertThat(sim.starts(type)).as(type.name()).hasSizeLessThanOrEqualTo(weeks);
        }
        assertThat(sim.engine.status().eventsCounted()).isGreaterThan(200_000);
        assertThat(sim.engine.status().lastBaseline()).isNotNull();
    }

    @Test
    void aFlatBaselineGivesAtMostOneFalseInsightPerWeekPerType() {
        Simulation sim = new Simulation(Insights.defaults(), dir, 11);
        int weeks = 2;
        for (int minute = 0; minute < weeks * 7 * DAY; minute++) {
            sim.writes(minute, "CreateOrder", "orders", sim.poisson(20), false, "AK-orders");
            sim.writes(minute, "CreateOrder", "orders", sim.poisson(0.5), true, "AK-orders");
            sim.endOf(minute);
        }
        for (InsightType type : InsightType.values()) {
            assertThat(sim.starts(type)).as(type.name()).hasSizeLessThanOrEqualTo(weeks);
        }
    }

    /** Two days of learning, then one trigger of every type; the type on finds it, the type off finds nothing. */
    @ParameterizedTest
    @EnumSource(InsightType.class)
    void eachTypeIsDetectedWhenOnAndNeverWhenOff(InsightType type) {
        assertThat(scenario(Insights.builder(), type)).as("on").isNotEmpty();
        Insights.Builder off = Insights.builder().type(type, false);
        assertThat(scenario(off, type)).as("off").isEmpty();
    }

    private List<InsightNotice> scenario(Insights.Builder settings, InsightType type) {
        Path run = dir.resolve(type.name() + "-" + System.nanoTime());
        Simulation sim = new Simulation(
                settings.learningPeriod(Duration.ofDays(1))
                        .accessKeySilence(Duration.ofHours(12))
                        .build(),
                run,
                3);
        int anomaly = 2 * DAY + 10 * 60; // Wednesday 10:00
        for (int minute = 0; minute < anomaly + 30; minute++) {
            sim.traffic(minute, 1);
            if (minute < 60) {
                sim.writes(minute, "RotateKey", "keys", 1, false, "AK-rare");
            }
            if (minute >= anomaly && minute < anomaly + 5) {
                sim.writes(minute, "CreateOrder", "orders", 300, false, "AK-orders");
                sim.writes(minute, "CreateOrder", "orders", 200, true, "AK-orders");
            }
            if (minute == anomaly) {
                sim.writes(minute, "RotateKey", "keys", 1, false, "AK-rare");
                sim.event(
                        minute, AuditEvent.builder("ChangePassword").userIdentity(UserIdentity.user("u-1", "user-1")));
                sim.event(
                        minute,
                        AuditEvent.builder("AttachUserPolicy").userIdentity(UserIdentity.user("u-1", "user-1")));
                sim.event(
                        minute,
                        AuditEvent.builder("CreateOrder")
                                .eventRW(EventRW.READ)
                                .userIdentity(UserIdentity.user("user-3", "user-3"))
                                .sourceIpAddress("198.51.100.77"));
                sim.engine.concealment("trail:main", "StopLogging");
            }
            sim.endOf(minute);
        }
        List<InsightNotice> starts = sim.starts(type);
        if (!starts.isEmpty()) {
            assertThat(sim.ends(type)).as("every start ends").hasSameSizeAs(starts);
        }
        return starts;
    }
}
