package io.actiontrail.spring.web;

import io.actiontrail.ActionTrail;
import io.actiontrail.spring.AuditCoverage;
import io.actiontrail.spring.AuditIdentityProvider;
import io.actiontrail.spring.autoconfigure.ActionTrailAutoConfiguration;
import io.actiontrail.spring.autoconfigure.ActionTrailProperties;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.bind.annotation.RequestMethod;
import org.springframework.web.method.HandlerMethod;
import org.springframework.web.servlet.DispatcherServlet;
import org.springframework.web.servlet.config.annotation.InterceptorRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;

/**
 * Captures Spring MVC requests: binds each request's audit context (source IP through trusted proxies, user agent,
 * request id, channel) and audits controller handlers.
 *
 * <p>Thread-safety: configuration only, used by Spring at start-up.
 */
@AutoConfiguration(
        after = ActionTrailAutoConfiguration.class,
        afterName = "io.actiontrail.spring.security.ActionTrailSecurityAutoConfiguration")
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@ConditionalOnClass(DispatcherServlet.class)
@ConditionalOnBean(ActionTrail.class)
public final class ActionTrailWebMvcAutoConfiguration {

    /** Creates the configuration; called by Spring. */
    public ActionTrailWebMvcAutoConfiguration() {}

    /** Binds the audit context of every request. */
    @Bean
    @ConditionalOnMissingBean
    AuditContextFilter actionTrailContextFilter(ActionTrailProperties properties, ObjectProvider<Refusals> refusals) {
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
        return new AuditContextFilter(proxies, header, capture.getEventType(), refusals.getIfAvailable());
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

    /** Audits controller handlers. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnBooleanProperty(name = "actiontrail.capture.controllers", matchIfMissing = true)
    static final class ControllerCaptureConfiguration {

        @Bean
        @ConditionalOnMissingBean
        ControllerAuditInterceptor actionTrailControllerInterceptor(
                ActionTrail actionTrail,
                ActionTrailProperties properties,
                ObjectProvider<AuditIdentityProvider> identities) {
            ActionTrailProperties.Capture capture = properties.getCapture();
            return new ControllerAuditInterceptor(
                    actionTrail, identities, capture.isReadMethods(), capture.isResourcesFromPaths());
        }

        @Bean
        @ConditionalOnMissingBean
        Refusals actionTrailRefusals(
                ControllerAuditInterceptor interceptor, ObjectProvider<RequestMappingHandlerMapping> mappings) {
            return new Refusals(interceptor, mappings);
        }

        @Bean
        @ConditionalOnMissingBean
        ControllerBodyAdvice actionTrailControllerBodyAdvice() {
            return new ControllerBodyAdvice();
        }

        @Bean
        @ConditionalOnMissingBean(name = "actionTrailWebMvcConfigurer")
        WebMvcConfigurer actionTrailWebMvcConfigurer(ControllerAuditInterceptor interceptor) {
            return new WebMvcConfigurer() {
                @Override
                public void addInterceptors(InterceptorRegistry registry) {
                    registry.addInterceptor(interceptor);
                }
            };
        }

        /** How a {@code @Transactional} handler's own transaction ended, for its event; only with spring-tx. */
        @Configuration(proxyBeanMethods = false)
        @ConditionalOnClass(name = "org.springframework.transaction.TransactionExecutionListener")
        static final class TransactionOutcomesConfiguration {

            @Bean
            @ConditionalOnMissingBean
            TransactionOutcomes actionTrailTransactionOutcomes() {
                return new TransactionOutcomes();
            }
        }
    }
}
