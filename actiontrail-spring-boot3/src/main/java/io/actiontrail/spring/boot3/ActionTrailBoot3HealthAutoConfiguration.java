package io.actiontrail.spring.boot3;

import io.actiontrail.ActionTrail;
import io.actiontrail.spring.AuditCoverage;
import io.actiontrail.spring.actuate.ActionTrailHealth;
import io.actiontrail.spring.autoconfigure.ActionTrailProperties;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.autoconfigure.health.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.actuate.health.CompositeHealthContributor;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthContributor;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * On Spring Boot 3.5 with Actuator: the trails' health under {@code actionTrail} ({@code /actuator/health/actionTrail/
 * main}, {@code .../capture}), as Boot 4's auto-configuration gives it there: the same {@link ActionTrailHealth}
 * readings in Boot 3.5's health types. Disable with {@code management.health.actiontrail.enabled=false}.
 *
 * <p>Thread-safety: configuration only, used by Spring at start-up.
 */
@AutoConfiguration(afterName = "io.actiontrail.spring.autoconfigure.ActionTrailAutoConfiguration")
@ConditionalOnClass(HealthIndicator.class)
@ConditionalOnBean(ActionTrail.class)
@ConditionalOnEnabledHealthIndicator("actiontrail")
public final class ActionTrailBoot3HealthAutoConfiguration {

    /** Creates the configuration; called by Spring. */
    public ActionTrailBoot3HealthAutoConfiguration() {}

    /** The health of every trail, and what the captures audit. */
    @Bean
    @ConditionalOnMissingBean(name = "actionTrailHealthContributor")
    public CompositeHealthContributor actionTrailHealthContributor(
            ActionTrail actionTrail, ActionTrailProperties properties, ObjectProvider<AuditCoverage> coverages) {
        Map<String, HealthContributor> indicators = new LinkedHashMap<>();
        ActionTrailHealth.readings(actionTrail, properties.getHealth().getDownAfter(), coverages)
                .forEach((name, reading) -> indicators.put(name, indicator(reading)));
        return CompositeHealthContributor.fromMap(indicators);
    }

    private static HealthIndicator indicator(Supplier<ActionTrailHealth.Reading> reading) {
        return () -> {
            ActionTrailHealth.Reading now = reading.get();
            return (now.up() ? Health.up() : Health.down())
                    .withDetails(now.details())
                    .build();
        };
    }
}
