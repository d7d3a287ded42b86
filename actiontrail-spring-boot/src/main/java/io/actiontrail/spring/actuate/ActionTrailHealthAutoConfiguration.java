package io.actiontrail.spring.actuate;

import io.actiontrail.ActionTrail;
import io.actiontrail.spring.AuditCoverage;
import io.actiontrail.spring.autoconfigure.ActionTrailAutoConfiguration;
import io.actiontrail.spring.autoconfigure.ActionTrailProperties;
import io.actiontrail.trail.Trail;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.CompositeHealthContributor;
import org.springframework.boot.health.contributor.HealthContributor;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;

/**
 * With Spring Boot's health support: one health indicator per trail, under {@code actionTrail} (for example
 * {@code /actuator/health/actionTrail/main}), and {@code capture} with what the application's captures audit. Disable with {@code management.health.actiontrail.enabled=false}.
 *
 * <p>Thread-safety: configuration only, used by Spring at start-up.
 */
@AutoConfiguration(after = ActionTrailAutoConfiguration.class)
@ConditionalOnClass(HealthIndicator.class)
@ConditionalOnBean(ActionTrail.class)
@ConditionalOnEnabledHealthIndicator("actiontrail")
public final class ActionTrailHealthAutoConfiguration {

    private static final String CAPTURE = "capture";

    /** Creates the configuration; called by Spring. */
    public ActionTrailHealthAutoConfiguration() {}

    /** The health of every trail. */
    @Bean
    @ConditionalOnMissingBean(name = "actionTrailHealthContributor")
    public CompositeHealthContributor actionTrailHealthContributor(
            ActionTrail actionTrail, ActionTrailProperties properties, ObjectProvider<AuditCoverage> coverages) {
        Map<String, HealthContributor> trails = new LinkedHashMap<>();
        for (Trail trail : actionTrail.trails()) {
            trails.put(
                    trail.name(),
                    new TrailHealthIndicator(
                            actionTrail, trail.name(), properties.getHealth().getDownAfter(), Clock.systemUTC()));
        }
        // what is audited, next to the trails; a trail of that name keeps it, and the coverage moves aside
        trails.put(trails.containsKey(CAPTURE) ? "_" + CAPTURE : CAPTURE, new CoverageHealthIndicator(coverages));
        return CompositeHealthContributor.fromMap(trails);
    }
}
