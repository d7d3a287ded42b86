package io.actiontrail.spring.web;

import io.actiontrail.ActionTrail;
import io.actiontrail.spring.AuditCoverage;
import io.actiontrail.spring.ReactiveAuditIdentityProvider;
import io.actiontrail.spring.autoconfigure.ActionTrailAutoConfiguration;
import io.actiontrail.spring.autoconfigure.ActionTrailProperties;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.context.annotation.Bean;
import org.springframework.web.bind.annotation.RequestMethod;
import org.springframework.web.method.HandlerMethod;
import org.springframework.web.reactive.DispatcherHandler;
import org.springframework.web.reactive.HandlerMapping;
import org.springframework.web.reactive.result.method.annotation.RequestMappingHandlerMapping;

/**
 * Captures Spring WebFlux exchanges as {@link ActionTrailWebMvcAutoConfiguration} captures Spring MVC requests: the
 * audit context of each exchange in its Reactor context, and one event per call of an application handler (annotated
 * controllers and functional routes), with the caller's identity from the {@link ReactiveAuditIdentityProvider}.
 *
 * <p>Thread-safety: configuration only, used by Spring at start-up.
 */
@AutoConfiguration(
        after = ActionTrailAutoConfiguration.class,
        afterName = "io.actiontrail.spring.security.ActionTrailSecurityAutoConfiguration")
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.REACTIVE)
@ConditionalOnClass(DispatcherHandler.class)
@ConditionalOnBean(ActionTrail.class)
public final class ActionTrailWebFluxAutoConfiguration {

    /** Creates the configuration; called by Spring. */
    public ActionTrailWebFluxAutoConfiguration() {}

    /** Binds the audit context of every exchange and audits the calls of the application's handlers. */
    @Bean
    @ConditionalOnMissingBean
    ReactiveAuditFilter actionTrailReactiveFilter(
            ActionTrail actionTrail, ActionTrailProperties properties, ObjectProvider<HandlerMapping> mappings) {
        ActionTrailProperties.Capture capture = properties.getCapture();
        TrustedProxies proxies;
        try {
            proxies = TrustedProxies.parse(capture.getTrustedProxies());
        } catch (IllegalArgumentException e) {
            throw new InvalidConfigurationPropertyValueException(
                    "actiontrail.capture.trusted-proxies", capture.getTrustedProxies(), e.getMessage());
        }
        String header = capture.getRequestIdHeader();
        if (header.isBlank()) {
            throw new InvalidConfigurationPropertyValueException(
                    "actiontrail.capture.request-id-header", header, "must not be blank");
        }
        return new ReactiveAuditFilter(
                actionTrail,
                proxies,
                header,
                capture.getEventType(),
                capture.isControllers(),
                capture.isReadMethods(),
                capture.isResourcesFromPaths(),
                new LazyMappings(mappings));
    }

    /** The caller's identity, asked inside Spring Security's chain. */
    @Bean
    @ConditionalOnBean(ReactiveAuditIdentityProvider.class)
    @ConditionalOnMissingBean
    ReactiveIdentityFilter actionTrailReactiveIdentityFilter(ReactiveAuditIdentityProvider identities) {
        return new ReactiveIdentityFilter(identities);
    }

    /** Counts the controller handlers and how many are audited, for the start-up line and the health details. */
    @Bean
    @ConditionalOnMissingBean(name = "actionTrailControllerCoverage")
    AuditCoverage actionTrailControllerCoverage(ListableBeanFactory beans, ActionTrailProperties properties) {
        ActionTrailProperties.Capture capture = properties.getCapture();
        return new ControllerCoverage(
                () -> {
                    Map<HandlerMethod, Set<RequestMethod>> mapped = new LinkedHashMap<>();
                    beans.getBeansOfType(RequestMappingHandlerMapping.class, false, false)
                            .values()
                            .forEach(mapping -> mapping.getHandlerMethods()
                                    .forEach((info, handler) -> mapped.put(
                                            handler, info.getMethodsCondition().getMethods())));
                    return mapped;
                },
                capture.isControllers(),
                capture.isReadMethods());
    }

    /** The handler mappings, in order, looked up when first needed (they are created after the filter). */
    private static final class LazyMappings extends java.util.AbstractList<HandlerMapping> {
        private final ObjectProvider<HandlerMapping> provider;
        private volatile @org.jspecify.annotations.Nullable List<HandlerMapping> mappings;

        LazyMappings(ObjectProvider<HandlerMapping> provider) {
            this.provider = provider;
        }

        private List<HandlerMapping> mappings() {
            List<HandlerMapping> current = mappings;
            if (current == null) {
                current = provider.orderedStream().toList();
                mappings = current;
            }
            return current;
        }

        @Override
        public HandlerMapping get(int index) {
            return mappings().get(index);
        }

        @Override
        public int size() {
            return mappings().size();
        }
    }
}
