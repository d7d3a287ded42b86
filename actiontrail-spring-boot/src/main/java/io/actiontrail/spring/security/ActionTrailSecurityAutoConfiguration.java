package io.actiontrail.spring.security;

import io.actiontrail.ActionTrail;
import io.actiontrail.spring.AuditIdentityProvider;
import io.actiontrail.spring.ReactiveAuditIdentityProvider;
import io.actiontrail.spring.autoconfigure.ActionTrailAutoConfiguration;
import io.actiontrail.spring.autoconfigure.ActionTrailProperties;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.authentication.event.AbstractAuthenticationEvent;
import org.springframework.security.core.context.ReactiveSecurityContextHolder;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.core.userdetails.UserDetailsService;
import reactor.core.publisher.Mono;

/**
 * With Spring Security: the caller's identity from the {@code SecurityContext} for every event, and sign-in,
 * failed sign-in and sign-out events.
 *
 * <p>Thread-safety: configuration only, used by Spring at start-up.
 */
@AutoConfiguration(after = ActionTrailAutoConfiguration.class)
@ConditionalOnClass({SecurityContextHolder.class, AbstractAuthenticationEvent.class})
@ConditionalOnBean(ActionTrail.class)
public final class ActionTrailSecurityAutoConfiguration {

    /** Creates the configuration; called by Spring. */
    public ActionTrailSecurityAutoConfiguration() {}

    /** The caller's identity, from the {@code SecurityContext}. */
    @Bean
    @ConditionalOnMissingBean(AuditIdentityProvider.class)
    SecurityIdentityProvider actionTrailIdentityProvider(ActionTrailProperties properties) {
        return new SecurityIdentityProvider(properties.getCapture().getTenantAttribute());
    }

    /** Sign-in, failed sign-in and sign-out events. */
    @Bean
    @ConditionalOnMissingBean
    @ConditionalOnBooleanProperty(name = "actiontrail.capture.sign-in-events", matchIfMissing = true)
    SignInAuditListener actionTrailSignInListener(
            ActionTrail actionTrail, ActionTrailProperties properties, ObjectProvider<UserDetailsService> users) {
        return new SignInAuditListener(
                actionTrail,
                new SecurityIdentityProvider(properties.getCapture().getTenantAttribute()),
                users);
    }

    /** The caller's identity in a reactive request, from the reactive security context. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(Mono.class)
    static final class ReactiveIdentityConfiguration {

        @Bean
        @ConditionalOnMissingBean(ReactiveAuditIdentityProvider.class)
        ReactiveAuditIdentityProvider actionTrailReactiveIdentityProvider(ActionTrailProperties properties) {
            SecurityIdentityProvider identities =
                    new SecurityIdentityProvider(properties.getCapture().getTenantAttribute());
            return () -> ReactiveSecurityContextHolder.getContext()
                    .mapNotNull(context -> identities.identityOf(context.getAuthentication()));
        }
    }
}
