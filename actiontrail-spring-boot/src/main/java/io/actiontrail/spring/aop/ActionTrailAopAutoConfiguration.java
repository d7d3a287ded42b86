package io.actiontrail.spring.aop;

import io.actiontrail.ActionTrail;
import io.actiontrail.spring.AuditIdentityProvider;
import io.actiontrail.spring.autoconfigure.ActionTrailAutoConfiguration;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.context.annotation.Role;
import org.springframework.core.env.Environment;
import org.springframework.util.ClassUtils;

/**
 * Audits every {@code @Audited} bean method through Spring AOP, and warns at start-up about the ones Spring AOP cannot
 * intercept. Controller handlers are left to the web capture when it is on.
 *
 * <p>Thread-safety: configuration only, used by Spring at start-up.
 */
@AutoConfiguration(after = ActionTrailAutoConfiguration.class)
@ConditionalOnClass(ActionTrail.class)
@ConditionalOnBooleanProperty(name = "actiontrail.enabled", matchIfMissing = true)
@Import(AuditProxyRegistrar.class)
public final class ActionTrailAopAutoConfiguration {

    /** The bean name of the {@code @Audited} advisor. */
    public static final String AUDITED_ADVISOR = "actionTrailAuditedAdvisor";

    /** Creates the configuration; called by Spring. */
    public ActionTrailAopAutoConfiguration() {}

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
                new AuditedMethodInterceptor(actionTrail, identities),
                controllersCapturedElsewhere(environment, context));
    }

    /** Warns at start-up about {@code @Audited} methods Spring AOP cannot intercept. */
    @Bean
    @ConditionalOnMissingBean
    static AuditedMethodsVerifier actionTrailAuditedMethodsVerifier(
            ConfigurableListableBeanFactory beanFactory, Environment environment, ApplicationContext context) {
        return new AuditedMethodsVerifier(beanFactory, controllersCapturedElsewhere(environment, context));
    }

    /** Spring Boot's reactive web application context: in Boot 4, and in Boot 3. */
    private static final List<String> REACTIVE_CONTEXTS = List.of(
            "org.springframework.boot.web.context.reactive.ReactiveWebApplicationContext",
            "org.springframework.boot.web.reactive.context.ReactiveWebApplicationContext");

    /**
     * Whether controller handlers are audited by the web capture rather than by the advisor: in a servlet web
     * application with Spring MVC, or a reactive one with WebFlux, unless the controller capture is off.
     */
    static boolean controllersCapturedElsewhere(Environment environment, ApplicationContext context) {
        ClassLoader loader = context.getClassLoader();
        if (!environment.getProperty("actiontrail.capture.controllers", Boolean.class, true)) {
            return false;
        }
        return (ClassUtils.isPresent("org.springframework.web.servlet.DispatcherServlet", loader)
                        && isInstance("org.springframework.web.context.WebApplicationContext", context, loader))
                || (ClassUtils.isPresent("org.springframework.web.reactive.DispatcherHandler", loader)
                        && REACTIVE_CONTEXTS.stream().anyMatch(type -> isInstance(type, context, loader)));
    }

    private static boolean isInstance(String type, ApplicationContext context, @Nullable ClassLoader loader) {
        try {
            return ClassUtils.forName(type, loader).isInstance(context);
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }
}
