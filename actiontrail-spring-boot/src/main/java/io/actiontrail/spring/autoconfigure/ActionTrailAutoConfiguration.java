package io.actiontrail.spring.autoconfigure;

import io.actiontrail.ActionTrail;
import io.actiontrail.AuditContext;
import io.actiontrail.ConflictingSettingsException;
import io.actiontrail.DeliveryListener;
import io.actiontrail.integrity.CheckpointSigner;
import io.actiontrail.query.EventStore;
import io.actiontrail.sink.AuditSink;
import io.actiontrail.spring.AuditCoverage;
import io.actiontrail.spring.autoconfigure.sink.AuditSinkFactory;
import io.actiontrail.spring.autoconfigure.sink.SinkDefinition;
import io.actiontrail.trail.Trail;
import java.util.List;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.endpoint.SanitizingFunction;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.context.ApplicationListener;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.core.task.TaskDecorator;

/**
 * Auto-configures an {@link ActionTrail} from the {@code actiontrail.*} properties, the sink, trail and
 * {@link ActionTrailBuilderCustomizer} beans, and audits every {@code @Audited} bean method through Spring AOP.
 *
 * <p>Thread-safety: configuration only, used by Spring at start-up.
 */
@AutoConfiguration
@ConditionalOnClass(ActionTrail.class)
@ConditionalOnBooleanProperty(name = "actiontrail.enabled", matchIfMissing = true)
@EnableConfigurationProperties(ActionTrailProperties.class)
public final class ActionTrailAutoConfiguration {

    /** Creates the configuration; called by Spring. */
    public ActionTrailAutoConfiguration() {}

    /** The local journal as an {@code EventStore}: what lookups read unless a shared store is made primary. */
    @Bean
    @ConditionalOnMissingBean(name = "actionTrailJournalEventStore")
    public EventStore actionTrailJournalEventStore(ActionTrail actionTrail) {
        return actionTrail.eventStore();
    }

    /**
     * Carries the caller's audit context (who, from where, the request id) into {@code @Async} methods and the tasks of
     * Spring Boot's task executor, which applies every {@code TaskDecorator} bean.
     */
    @Bean
    @ConditionalOnMissingBean(name = "actionTrailTaskDecorator")
    TaskDecorator actionTrailTaskDecorator() {
        return AuditContext::wrap;
    }

    /** Says at start-up what is audited and where it goes, and warns about what is not audited. */
    @Bean
    @ConditionalOnMissingBean(name = "actionTrailStartupReport")
    ApplicationListener<ApplicationReadyEvent> actionTrailStartupReport(
            ActionTrail actionTrail, ObjectProvider<AuditCoverage> coverages) {
        return new StartupReport(actionTrail, coverages);
    }

    /** The ActionTrail instance, closed (flushing pending deliveries) when the context closes. */
    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean
    public ActionTrail actionTrail(
            ActionTrailProperties properties,
            Environment environment,
            ListableBeanFactory beans,
            ObjectProvider<AuditSinkFactory> factories,
            ObjectProvider<Trail> trails,
            ObjectProvider<ActionTrailBuilderCustomizer> customizers,
            ObjectProvider<DeliveryListener> listeners,
            ObjectProvider<CheckpointSigner> signers) {
        String serviceName = properties.getServiceName();
        if (serviceName == null || serviceName.isBlank()) {
            serviceName = environment.getProperty("spring.application.name", "application");
        }
        ActionTrailFactory factory = new ActionTrailFactory(
                properties, Binder.get(environment), factories.orderedStream().toList());
        ActionTrail.Builder builder = factory.builder(
                serviceName,
                beans.getBeansOfType(AuditSink.class),
                trails.orderedStream().toList(),
                signers.getIfUnique());
        List<DeliveryListener> all = listeners.orderedStream().toList();
        if (!all.isEmpty()) {
            builder.deliveryListener(CompositeDeliveryListener.of(all));
        }
        customizers.orderedStream().forEach(c -> c.customize(builder));
        try {
            return builder.build();
        } catch (ConflictingSettingsException e) {
            if (e.setting().equals("maxDiskBytes")) {
                throw new InvalidConfigurationPropertyValueException(
                        "actiontrail.max-disk-bytes", properties.getMaxDiskBytes(), String.valueOf(e.getMessage()));
            }
            throw new IllegalStateException(
                    "ActionTrail could not be built from the actiontrail.* properties: " + e.getMessage(), e);
        } catch (IllegalStateException e) {
            String message = String.valueOf(e.getMessage());
            throw new IllegalStateException(
                    "ActionTrail could not be built from the actiontrail.* properties: " + message, e);
        }
    }

    /**
     * With Spring Boot Actuator: {@code /actuator/env} and {@code /actuator/configprops} mask the sinks' secrets
     * (secret access keys, AccessKey secrets, STS security tokens, webhook secrets, passwords, API keys, webhook header
     * values) even when they are told to show values.
     */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(SanitizingFunction.class)
    static final class SecretsSanitizingConfiguration {

        @Bean
        @ConditionalOnMissingBean(name = "actionTrailSecretsSanitizer")
        SanitizingFunction actionTrailSecretsSanitizer() {
            return SanitizingFunction.sanitizeValue().ifKeyMatches(SinkDefinition::isSecret);
        }
    }
}
