package io.actiontrail.spring.autoconfigure.sink.webhook;

import io.actiontrail.ActionTrail;
import io.actiontrail.sink.webhook.WebhookAuditSink;
import io.actiontrail.spring.autoconfigure.ActionTrailAutoConfiguration;
import io.actiontrail.spring.autoconfigure.sink.AuditSinkFactory;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * The {@code webhook} sink type, when {@code actiontrail-sink-webhook} is on the classpath.
 *
 * <p>Thread-safety: configuration only, used by Spring at start-up.
 */
@AutoConfiguration(before = ActionTrailAutoConfiguration.class)
@ConditionalOnClass({ActionTrail.class, WebhookAuditSink.class})
@ConditionalOnBooleanProperty(name = "actiontrail.enabled", matchIfMissing = true)
public final class WebhookSinkAutoConfiguration {

    /** Creates the configuration; called by Spring. */
    public WebhookSinkAutoConfiguration() {}

    /** The factory of the sink type. */
    @Bean
    @ConditionalOnMissingBean(name = "webhookAuditSinkFactory")
    AuditSinkFactory webhookAuditSinkFactory() {
        return new WebhookSinkFactory();
    }
}
