package io.actiontrail.spring.autoconfigure.sink.sls;

import io.actiontrail.ActionTrail;
import io.actiontrail.sink.sls.SlsAuditSink;
import io.actiontrail.spring.autoconfigure.ActionTrailAutoConfiguration;
import io.actiontrail.spring.autoconfigure.sink.AuditSinkFactory;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * The {@code sls} sink type (Alibaba Cloud Log Service), when {@code actiontrail-sink-sls} is on the classpath.
 *
 * <p>Thread-safety: configuration only, used by Spring at start-up.
 */
@AutoConfiguration(before = ActionTrailAutoConfiguration.class)
@ConditionalOnClass({ActionTrail.class, SlsAuditSink.class})
@ConditionalOnBooleanProperty(name = "actiontrail.enabled", matchIfMissing = true)
public final class SlsSinkAutoConfiguration {

    /** Creates the configuration; called by Spring. */
    public SlsSinkAutoConfiguration() {}

    /** The factory of the sink type. */
    @Bean
    @ConditionalOnMissingBean(name = "slsAuditSinkFactory")
    AuditSinkFactory slsAuditSinkFactory() {
        return new SlsSinkFactory();
    }
}
