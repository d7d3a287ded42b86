package io.actiontrail.spring.actuate;

import io.actiontrail.ActionTrail;
import io.actiontrail.spring.autoconfigure.ActionTrailAutoConfiguration;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * With Micrometer: meters of every trail and sink (recorded, delivered, dropped by reason, failed attempts, pending,
 * oldest pending age) and of the capture side. Spring Boot binds them to its meter registry.
 *
 * <p>Thread-safety: configuration only, used by Spring at start-up.
 */
@AutoConfiguration(before = ActionTrailAutoConfiguration.class)
@ConditionalOnClass({MeterRegistry.class, MeterBinder.class, ActionTrail.class})
@ConditionalOnBooleanProperty(name = "actiontrail.enabled", matchIfMissing = true)
public final class ActionTrailMetricsAutoConfiguration {

    /** Creates the configuration; called by Spring. */
    public ActionTrailMetricsAutoConfiguration() {}

    /** The meters; also a delivery listener counting failed attempts. */
    @Bean
    @ConditionalOnMissingBean
    ActionTrailMetrics actionTrailMetrics(ObjectProvider<ActionTrail> actionTrail) {
        return new ActionTrailMetrics(actionTrail);
    }
}
