package io.actiontrail.spring;

import io.actiontrail.ActionTrail;
import io.actiontrail.ConflictingSettingsException;
import io.actiontrail.DeliveryListener;
import io.actiontrail.query.EventStore;
import io.actiontrail.sink.AuditSink;
import io.actiontrail.sink.opensearch.OpenSearchAuditSink;
import io.actiontrail.sink.opensearch.OpenSearchEventStore;
import io.actiontrail.sink.s3.S3AuditSink;
import io.actiontrail.sink.slf4j.Slf4jAuditSink;
import io.actiontrail.sink.sls.SlsAuditSink;
import io.actiontrail.sink.webhook.WebhookAuditSink;
import io.actiontrail.trail.Trail;
import java.time.Clock;
import java.util.List;
import java.util.Locale;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.boot.actuate.endpoint.SanitizingFunction;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.context.annotation.Primary;
import org.springframework.context.annotation.Role;
import org.springframework.core.env.Environment;
import org.springframework.util.ClassUtils;

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
@Import(AuditProxyRegistrar.class)
public final class ActionTrailAutoConfiguration {

    /** The bean name of the {@code @Audited} advisor. */
    public static final String AUDITED_ADVISOR = "actionTrailAuditedAdvisor";

    /** Creates the configuration; called by Spring. */
    public ActionTrailAutoConfiguration() {}

    /** The local journal as an {@code EventStore}: what lookups read unless a shared store is made primary. */
    @Bean
    @ConditionalOnMissingBean(name = "actionTrailJournalEventStore")
    public EventStore actionTrailJournalEventStore(ActionTrail actionTrail) {
        return actionTrail.eventStore();
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
            ObjectProvider<DeliveryListener> listeners) {
        String serviceName = properties.getServiceName();
        if (serviceName == null || serviceName.isBlank()) {
            serviceName = environment.getProperty("spring.application.name", "application");
        }
        ActionTrailFactory factory = new ActionTrailFactory(
                properties, Binder.get(environment), factories.orderedStream().toList());
        ActionTrail.Builder builder = factory.builder(
                serviceName,
                beans.getBeansOfType(AuditSink.class),
                trails.orderedStream().toList());
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

    /** The advisor that audits {@code @Audited} bean methods. */
    @Bean(AUDITED_ADVISOR)
    @Role(BeanDefinition.ROLE_INFRASTRUCTURE)
    @ConditionalOnMissingBean(name = AUDITED_ADVISOR)
    static AuditedAdvisor actionTrailAuditedAdvisor(
            ObjectProvider<ActionTrail> actionTrail,
            ObjectProvider<AuditIdentityProvider> identities,
            Environment environment,
            ApplicationContext context) {
        return new AuditedAdvisor(
                new AuditedMethodInterceptor(actionTrail, identities, Clock.systemUTC()),
                controllersCapturedElsewhere(environment, context));
    }

    /** Warns at start-up about {@code @Audited} methods Spring AOP cannot intercept. */
    @Bean
    @ConditionalOnMissingBean
    static AuditedMethodsVerifier actionTrailAuditedMethodsVerifier(
            ConfigurableListableBeanFactory beanFactory, Environment environment, ApplicationContext context) {
        return new AuditedMethodsVerifier(beanFactory, controllersCapturedElsewhere(environment, context));
    }

    /** Whether controller handlers are audited by the web capture rather than by the advisor. */
    static boolean controllersCapturedElsewhere(Environment environment, ApplicationContext context) {
        ClassLoader loader = context.getClassLoader();
        if (!environment.getProperty("actiontrail.capture.controllers", Boolean.class, true)
                || !ClassUtils.isPresent("org.springframework.web.servlet.DispatcherServlet", loader)) {
            return false;
        }
        try {
            return ClassUtils.forName("org.springframework.web.context.WebApplicationContext", loader)
                    .isInstance(context);
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }

    /** The {@code slf4j} sink type, from core. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(Slf4jAuditSink.class)
    static final class Slf4jSinkConfiguration {

        @Bean
        @ConditionalOnMissingBean(name = "slf4jAuditSinkFactory")
        AuditSinkFactory slf4jAuditSinkFactory() {
            return new Slf4jSinkFactory();
        }
    }

    /** The {@code s3} sink type, with the {@code actiontrail-sink-s3} module. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(S3AuditSink.class)
    static final class S3SinkConfiguration {

        @Bean
        @ConditionalOnMissingBean(name = "s3AuditSinkFactory")
        AuditSinkFactory s3AuditSinkFactory() {
            return new S3SinkFactory();
        }
    }

    /** The {@code webhook} sink type, with the {@code actiontrail-sink-webhook} module. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(WebhookAuditSink.class)
    static final class WebhookSinkConfiguration {

        @Bean
        @ConditionalOnMissingBean(name = "webhookAuditSinkFactory")
        AuditSinkFactory webhookAuditSinkFactory() {
            return new WebhookSinkFactory();
        }
    }

    /**
     * The {@code opensearch} sink type, with the {@code actiontrail-sink-opensearch} module; and, when one such sink
     * sets {@code query-store=true}, the primary {@link io.actiontrail.query.EventStore} bean reading its indices.
     */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(OpenSearchAuditSink.class)
    static final class OpenSearchSinkConfiguration {

        @Bean
        @ConditionalOnMissingBean(name = "openSearchAuditSinkFactory")
        AuditSinkFactory openSearchAuditSinkFactory() {
            return new OpenSearchSinkFactory();
        }

        /** Owns the query store's connection, closed with the context. */
        @Bean(destroyMethod = "close")
        @Conditional(OpenSearchQueryStore.OnQueryStore.class)
        @ConditionalOnMissingBean(OpenSearchEventStore.class)
        OpenSearchQueryStore actionTrailOpenSearchQueryStore(
                Environment environment, ActionTrailProperties properties) {
            return OpenSearchQueryStore.create(environment, properties);
        }

        /**
         * The store over the sink's indices; primary, because the local journal's {@code EventStore} bean is there
         * too.
         */
        @Bean
        @Primary
        @Conditional(OpenSearchQueryStore.OnQueryStore.class)
        @ConditionalOnMissingBean(OpenSearchEventStore.class)
        OpenSearchEventStore actionTrailEventStore(OpenSearchQueryStore queryStore) {
            return queryStore.store();
        }
    }

    /** The {@code sls} sink type, with the {@code actiontrail-sink-sls} module. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(SlsAuditSink.class)
    static final class SlsSinkConfiguration {

        @Bean
        @ConditionalOnMissingBean(name = "slsAuditSinkFactory")
        AuditSinkFactory slsAuditSinkFactory() {
            return new SlsSinkFactory();
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
            return SanitizingFunction.sanitizeValue().ifKeyMatches(ActionTrailAutoConfiguration::isSinkSecret);
        }
    }

    /**
     * Whether a property key, in any of Spring's spellings ({@code actiontrail.sinks.a.secret-access-key},
     * {@code secretAccessKey}, {@code ACTIONTRAIL_SINKS_A_SECRETACCESSKEY}), is a sink's secret: a secret access key,
     * a secret (such as an {@code access-key-secret}), a {@code security-token}, a password, an API key, or any value
     * under a sink's {@code headers}, which carry the receiver's credentials.
     */
    static boolean isSinkSecret(String key) {
        String lower = key.toLowerCase(Locale.ROOT);
        String k = lower.replaceAll("[^a-z0-9]", "");
        if (!k.startsWith("actiontrailsinks")) {
            return false;
        }
        if (k.endsWith("secret")
                || k.endsWith("secretaccesskey")
                || k.endsWith("securitytoken")
                || k.endsWith("password")
                || k.endsWith("apikey")) {
            return true;
        }
        // actiontrail, sinks, the sink's name, then a headers segment with a header name after it
        List<String> segments = List.of(lower.replace("-", "").split("[._\\[\\]]+"));
        return segments.size() > 4 && segments.subList(3, segments.size() - 1).contains("headers");
    }
}
