package io.actiontrail.spring.actuate;

import io.actiontrail.ActionTrail;
import io.actiontrail.spring.AuditCoverage;
import io.actiontrail.spring.autoconfigure.ActionTrailAutoConfiguration;
import io.actiontrail.spring.autoconfigure.ActionTrailProperties;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.CompositeHealthContributor;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthContributor;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;

/**
 * With Spring Boot's health support: one health indicator per trail, under {@code actionTrail} (for example
 * {@code /actuator/health/actionTrail/main}), and {@code capture} with what the application's captures audit. Disable with
 * {@code management.health.actiontrail.enabled=false}. These are Spring Boot 4's health types; Spring Boot 3.5 has
 * its own, to which {@code actiontrail-spring-boot3} adapts the same {@link ActionTrailHealth} readings.
 *
 * <p>Thread-safety: configuration only, used by Spring at start-up.
 */
@AutoConfiguration(after = ActionTrailAutoConfiguration.class)
@ConditionalOnClass(HealthIndicator.class)
@ConditionalOnBean(ActionTrail.class)
@ConditionalOnEnabledHealthIndicator("actiontrail")
public final class ActionTrailHealthAutoConfiguration {

    /** Creates the configuration; called by Spring. */
    public ActionTrailHealthAutoConfiguration() {}

    /** The health of every trail. */
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
