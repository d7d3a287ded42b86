package io.actiontrail.spring.autoconfigure.sink.s3;

import io.actiontrail.ActionTrail;
import io.actiontrail.sink.s3.S3AuditSink;
import io.actiontrail.spring.autoconfigure.ActionTrailAutoConfiguration;
import io.actiontrail.spring.autoconfigure.sink.AuditSinkFactory;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * The {@code s3} sink type, when {@code actiontrail-sink-s3} is on the classpath.
 *
 * <p>Thread-safety: configuration only, used by Spring at start-up.
 */
@AutoConfiguration(before = ActionTrailAutoConfiguration.class)
@ConditionalOnClass({ActionTrail.class, S3AuditSink.class})
@ConditionalOnBooleanProperty(name = "actiontrail.enabled", matchIfMissing = true)
public final class S3SinkAutoConfiguration {

    /** Creates the configuration; called by Spring. */
    public S3SinkAutoConfiguration() {}

    /** The factory of the sink type. */
    @Bean
    @ConditionalOnMissingBean(name = "s3AuditSinkFactory")
    AuditSinkFactory s3AuditSinkFactory() {
        return new S3SinkFactory();
    }
}
