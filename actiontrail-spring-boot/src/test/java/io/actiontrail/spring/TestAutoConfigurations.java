package io.actiontrail.spring;

import io.actiontrail.spring.actuate.ActionTrailHealthAutoConfiguration;
import io.actiontrail.spring.actuate.ActionTrailMetricsAutoConfiguration;
import io.actiontrail.spring.aop.ActionTrailAopAutoConfiguration;
import io.actiontrail.spring.autoconfigure.ActionTrailAutoConfiguration;
import io.actiontrail.spring.autoconfigure.sink.opensearch.OpenSearchSinkAutoConfiguration;
import io.actiontrail.spring.autoconfigure.sink.s3.S3SinkAutoConfiguration;
import io.actiontrail.spring.autoconfigure.sink.slf4j.Slf4jSinkAutoConfiguration;
import io.actiontrail.spring.autoconfigure.sink.sls.SlsSinkAutoConfiguration;
import io.actiontrail.spring.autoconfigure.sink.webhook.WebhookSinkAutoConfiguration;
import io.actiontrail.spring.security.ActionTrailSecurityAutoConfiguration;
import io.actiontrail.spring.web.ActionTrailWebMvcAutoConfiguration;
import org.springframework.boot.autoconfigure.AutoConfigurations;

/** The auto-configurations a context without web, security or actuator gets: ActionTrail, its sink types and AOP. */
public final class TestAutoConfigurations {

    /** ActionTrail, every sink type and the {@code @Audited} advisor. */
    public static final AutoConfigurations BASE = AutoConfigurations.of(
            ActionTrailAutoConfiguration.class,
            Slf4jSinkAutoConfiguration.class,
            S3SinkAutoConfiguration.class,
            WebhookSinkAutoConfiguration.class,
            OpenSearchSinkAutoConfiguration.class,
            SlsSinkAutoConfiguration.class,
            ActionTrailAopAutoConfiguration.class);

    /** {@link #BASE} with security, web, health and metrics. */
    public static final AutoConfigurations ALL = AutoConfigurations.of(
            ActionTrailAutoConfiguration.class,
            Slf4jSinkAutoConfiguration.class,
            S3SinkAutoConfiguration.class,
            WebhookSinkAutoConfiguration.class,
            OpenSearchSinkAutoConfiguration.class,
            SlsSinkAutoConfiguration.class,
            ActionTrailAopAutoConfiguration.class,
            ActionTrailSecurityAutoConfiguration.class,
            ActionTrailWebMvcAutoConfiguration.class,
            ActionTrailHealthAutoConfiguration.class,
            ActionTrailMetricsAutoConfiguration.class);

    private TestAutoConfigurations() {}
}
