package io.actiontrail.spring.autoconfigure.sink.slf4j;

import io.actiontrail.ActionTrail;
import io.actiontrail.sink.slf4j.Slf4jAuditSink;
import io.actiontrail.spring.autoconfigure.ActionTrailAutoConfiguration;
import io.actiontrail.spring.autoconfigure.sink.AuditSinkFactory;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * The {@code slf4j} sink type ({@code actiontrail.sinks.<name>.type=slf4j}), which ships with core.
 *
 * <p>Thread-safety: configuration only, used by Spring at start-up.
 */
@AutoConfiguration(before = ActionTrailAutoConfiguration.class)
@ConditionalOnClass({ActionTrail.class, Slf4jAuditSink.class})
@ConditionalOnBooleanProperty(name = "actiontrail.enabled", matchIfMissing = true)
public final class Slf4jSinkAutoConfiguration {

    /** Creates the configuration; called by Spring. */
    public Slf4jSinkAutoConfiguration() {}

    /** The factory of the sink type. */
    @Bean
    @ConditionalOnMissingBean(name = "slf4jAuditSinkFactory")
    AuditSinkFactory slf4jAuditSinkFactory() {
        return new Slf4jSinkFactory();
    }
}
