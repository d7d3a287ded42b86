package io.actiontrail.spring.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.actiontrail.ActionTrail;
import io.actiontrail.AuditEvent;
import io.actiontrail.DeliveryListener;
import io.actiontrail.insights.InsightNotice;
import io.actiontrail.insights.InsightType;
import io.actiontrail.insights.InsightsStatus;
import io.actiontrail.spring.TestAutoConfigurations;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/** {@code actiontrail.insights.*} in a real application context. */
class InsightsPropertiesTest {

    private final Path dataDir = Path.of("target/test-journal/" + UUID.randomUUID());

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(TestAutoConfigurations.ALL)
            .withPropertyValues("spring.application.name=orders", "actiontrail.data-dir=" + dataDir);

    @Test
    void insightsAreOnByDefaultAndKeepTheirFilesWithTheJournal() {
        runner.run(context -> {
            assertThat(context).hasNotFailed();
            InsightsStatus status = context.getBean(ActionTrail.class).insightsStatus();
            assertThat(status.enabled()).isTrue();
        });
        assertThat(dataDir.resolve("insights").resolve("state.bin")).exists();
    }

    @Test
    void thePropertiesTurnInsightsOffOrTuneThem() {
        runner.withPropertyValues("actiontrail.insights.enabled=false").run(context -> assertThat(
                        context.getBean(ActionTrail.class).insightsStatus().enabled())
                .isFalse());
        runner.withPropertyValues(
                        "actiontrail.insights.types.ip=false",
                        "actiontrail.insights.types.api-call-rate=true",
                        "actiontrail.insights.deviations=5",
                        "actiontrail.insights.ratio=4",
                        "actiontrail.insights.floor=20",
                        "actiontrail.insights.cold-start-floor=40",
                        "actiontrail.insights.minutes=3",
                        "actiontrail.insights.learning-period=2d",
                        "actiontrail.insights.access-key-silence=14d",
                        "actiontrail.insights.password-patterns=Reset*,*Passphrase*",
                        "actiontrail.insights.policy-patterns=Grant*")
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    assertThat(context.getBean(ActionTrail.class)
                                    .insightsStatus()
                                    .enabled())
                            .isTrue();
                });
    }

    @Test
    void anInsightReachesListenerBeansAndTheMeters() {
        List<InsightNotice> notices = new CopyOnWriteArrayList<>();
        DeliveryListener listener = new DeliveryListener() {
            @Override
            public void onInsight(InsightNotice notice) {
                notices.add(notice);
            }
        };
        runner.withBean("insightListener", DeliveryListener.class, () -> listener)
                .run(context -> {
                    ActionTrail actionTrail = context.getBean(ActionTrail.class);
                    MeterRegistry registry = new SimpleMeterRegistry();
                    context.getBean("actionTrailMetrics", MeterBinder.class).bindTo(registry);
                    actionTrail.record(AuditEvent.builder("ResetPassword").build());
                    await().atMost(Duration.ofSeconds(20)).until(() -> !notices.isEmpty());
                    assertThat(notices.get(0).type()).isEqualTo(InsightType.PASSWORD_CHANGE);
                    assertThat(registry.get("actiontrail.insights.started")
                                    .tag("type", "PasswordChangeInsight")
                                    .functionCounter()
                                    .count())
                            .isEqualTo(1.0);
                    assertThat(registry.get("actiontrail.insights.open").gauge().value())
                            .isEqualTo(1.0);
                    await().atMost(Duration.ofSeconds(20))
                            .until(() -> registry.get("actiontrail.insights.events.counted")
                                            .functionCounter()
                                            .count()
                                    >= 1.0);
                    assertThat(registry.get("actiontrail.insights.keys").gauge().value())
                            .isPositive();
                });
    }

    @Test
    void aBadValueNamesItsProperty() {
        runner.withPropertyValues("actiontrail.insights.deviations=0.5").run(context -> assertThat(context)
                .hasFailed()
                .getFailure()
                .hasStackTraceContaining("actiontrail.insights.deviations")
                .hasStackTraceContaining("0.5"));
        runner.withPropertyValues("actiontrail.insights.minutes=0").run(context -> assertThat(context)
                .hasFailed()
                .getFailure()
                .hasStackTraceContaining("actiontrail.insights.minutes"));
        runner.withPropertyValues("actiontrail.insights.floor=50").run(context -> assertThat(context)
                .hasFailed()
                .getFailure()
                .hasStackTraceContaining("actiontrail.insights.cold-start-floor"));
    }
}
