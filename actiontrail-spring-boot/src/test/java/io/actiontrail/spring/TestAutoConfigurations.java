package io.actiontrail.spring;

import io.actiontrail.spring.actuate.ActionTrailHealthAutoConfiguration;
import io.actiontrail.spring.actuate.ActionTrailMetricsAutoConfiguration;
import io.actiontrail.spring.aop.ActionTrailAopAutoConfiguration;
import io.actiontrail.spring.autoconfigure.ActionTrailAutoConfiguration;
import io.actiontrail.spring.autoconfigure.sink.ActionTrailSinksAutoConfiguration;
import io.actiontrail.spring.autoconfigure.sink.opensearch.OpenSearchQueryStoreAutoConfiguration;
import io.actiontrail.spring.security.ActionTrailSecurityAutoConfiguration;
import io.actiontrail.spring.web.ActionTrailWebMvcAutoConfiguration;
import org.springframework.boot.autoconfigure.AutoConfigurations;

/** The auto-configurations a context without web, security or actuator gets: ActionTrail, its sink types and AOP. */
public final class TestAutoConfigurations {

    /** ActionTrail, every sink type and the {@code @Audited} advisor. */
    public static final AutoConfigurations BASE = AutoConfigurations.of(
            ActionTrailAutoConfiguration.class,
            ActionTrailSinksAutoConfiguration.class,
            OpenSearchQueryStoreAutoConfiguration.class,
            ActionTrailAopAutoConfiguration.class);

    /** {@link #BASE} with security, web, health and metrics. */
    public static final AutoConfigurations ALL = AutoConfigurations.of(
            ActionTrailAutoConfiguration.class,
            ActionTrailSinksAutoConfiguration.class,
            OpenSearchQueryStoreAutoConfiguration.class,
            ActionTrailAopAutoConfiguration.class,
            ActionTrailSecurityAutoConfiguration.class,
            ActionTrailWebMvcAutoConfiguration.class,
            ActionTrailHealthAutoConfiguration.class,
            ActionTrailMetricsAutoConfiguration.class);

    private TestAutoConfigurations() {}
}
