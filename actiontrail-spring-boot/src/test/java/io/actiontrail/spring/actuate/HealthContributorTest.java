package io.actiontrail.spring.actuate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.actiontrail.ActionTrail;
import io.actiontrail.AuditEvent;
import io.actiontrail.sink.AuditSink;
import io.actiontrail.spring.TestAutoConfigurations;
import io.actiontrail.test.InMemoryAuditSink;
import java.util.Objects;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.boot.health.contributor.CompositeHealthContributor;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/**
 * Spring Boot 4's health types: the contributor's shape, the threshold and backing off without them. What the endpoint
 * shows, on every line, is {@link HealthEndpointTest}'s.
 */
class HealthContributorTest {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(TestAutoConfigurations.ALL)
            .withPropertyValues("actiontrail.data-dir=target/test-journal/" + UUID.randomUUID());

    @Test
    void oneIndicatorPerTrailAndOneForWhatIsAudited() {
        runner.run(context -> {
            CompositeHealthContributor health =
                    context.getBean("actionTrailHealthContributor", CompositeHealthContributor.class);
            assertThat(health.stream()).extracting(c -> c.name()).containsExactly("main", "capture");
            assertThat(status(indicator(health, "capture"))).isEqualTo(Status.UP);
        });
    }

    @Test
    void aFailingSinkWithinTheThresholdLeavesTheTrailUp() {
        InMemoryAuditSink failing = InMemoryAuditSink.builder().name("flaky").build();
        failing.failUntilRecovered(true);
        runner.withBean("flaky", AuditSink.class, () -> failing)
                .withPropertyValues("actiontrail.health.down-after=1h")
                .run(context -> {
                    ActionTrail actionTrail = context.getBean(ActionTrail.class);
                    HealthIndicator main = indicator(
                            context.getBean("actionTrailHealthContributor", CompositeHealthContributor.class), "main");
                    actionTrail.record(AuditEvent.builder("Ping").build());
                    await().until(() ->
                            actionTrail.status("main").sinks().get(0).isFailing());
                    assertThat(status(main)).isEqualTo(Status.UP);
                    assertThat(Objects.requireNonNull(main.health()).getDetails())
                            .containsKey("sinks");
                    failing.recover();
                });
    }

    @Test
    void backsOffWithoutBootsHealthTypes() {
        runner.withClassLoader(new FilteredClassLoader(HealthIndicator.class))
                .run(context -> assertThat(context).hasNotFailed().doesNotHaveBean("actionTrailHealthContributor"));
    }

    private static HealthIndicator indicator(CompositeHealthContributor contributor, String name) {
        return (HealthIndicator) Objects.requireNonNull(contributor.getContributor(name));
    }

    private static Status status(HealthIndicator indicator) {
        return Objects.requireNonNull(indicator.health()).getStatus();
    }
}
