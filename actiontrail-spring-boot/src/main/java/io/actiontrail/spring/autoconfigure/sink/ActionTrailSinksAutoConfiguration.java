package io.actiontrail.spring.autoconfigure.sink;

import io.actiontrail.ActionTrail;
import io.actiontrail.spring.autoconfigure.ActionTrailAutoConfiguration;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.context.annotation.Import;

/**
 * The sink types of {@code actiontrail.sinks.<name>.type}: an {@link AuditSinkFactory} bean for each type whose
 * module is on the classpath ({@code slf4j}, which ships with core, {@code s3}, {@code webhook}, {@code opensearch},
 * {@code sls}, {@code kafka}), named {@code <type>AuditSinkFactory}; a bean of that name replaces it.
 *
 * <p>Thread-safety: configuration only, used by Spring at start-up.
 */
@AutoConfiguration(before = ActionTrailAutoConfiguration.class)
@ConditionalOnClass(ActionTrail.class)
@ConditionalOnBooleanProperty(name = "actiontrail.enabled", matchIfMissing = true)
@Import(SinkFactoriesRegistrar.class)
public final class ActionTrailSinksAutoConfiguration {

    /** Creates the configuration; called by Spring. */
    public ActionTrailSinksAutoConfiguration() {}
}
