package io.actiontrail.spring.autoconfigure.sink.opensearch;

import io.actiontrail.ActionTrail;
import io.actiontrail.sink.opensearch.OpenSearchAuditSink;
import io.actiontrail.sink.opensearch.OpenSearchEventStore;
import io.actiontrail.spring.autoconfigure.ActionTrailAutoConfiguration;
import io.actiontrail.spring.autoconfigure.ActionTrailProperties;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Primary;
import org.springframework.core.env.Environment;

/**
 * With {@code actiontrail-sink-opensearch} on the classpath and one {@code opensearch} sink that sets
 * {@code query-store=true}: the primary {@link io.actiontrail.query.EventStore} bean, reading that sink's indices.
 *
 * <p>Thread-safety: configuration only, used by Spring at start-up.
 */
@AutoConfiguration(after = ActionTrailAutoConfiguration.class)
@ConditionalOnClass({ActionTrail.class, OpenSearchAuditSink.class})
@ConditionalOnBooleanProperty(name = "actiontrail.enabled", matchIfMissing = true)
public final class OpenSearchQueryStoreAutoConfiguration {

    /** Creates the configuration; called by Spring. */
    public OpenSearchQueryStoreAutoConfiguration() {}

    /** Owns the query store's connection, closed with the context. */
    @Bean(destroyMethod = "close")
    @Conditional(OpenSearchQueryStore.OnQueryStore.class)
    @ConditionalOnMissingBean(OpenSearchEventStore.class)
    OpenSearchQueryStore actionTrailOpenSearchQueryStore(Environment environment, ActionTrailProperties properties) {
        return OpenSearchQueryStore.create(environment, properties);
    }

    /**
     * The store over the sink's indices; primary, because the local journal's {@code EventStore} bean is there too.
     */
    @Bean
    @Primary
    @Conditional(OpenSearchQueryStore.OnQueryStore.class)
    @ConditionalOnMissingBean(OpenSearchEventStore.class)
    OpenSearchEventStore actionTrailEventStore(OpenSearchQueryStore queryStore) {
        return queryStore.store();
    }
}
