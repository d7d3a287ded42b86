package io.actiontrail.spring.security;

import io.actiontrail.ActionTrail;
import io.actiontrail.AuditEvent;
import io.actiontrail.EventRW;
import io.actiontrail.EventType;
import io.actiontrail.Outcome;
import io.actiontrail.UserIdentity;
import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.ApplicationListener;
import org.springframework.security.authentication.event.AbstractAuthenticationEvent;
import org.springframework.security.authentication.event.AbstractAuthenticationFailureEvent;
import org.springframework.security.authentication.event.InteractiveAuthenticationSuccessEvent;
import org.springframework.security.authentication.event.LogoutSuccessEvent;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.core.userdetails.UsernameNotFoundException;

/**
 * Turns Spring Security's interactive sign-in (form, OAuth2 or remember-me login), failed sign-in (any mechanism)
 * and sign-out into {@code ConsoleSignin} / {@code ConsoleSignout} events. A failed sign-in whose user name is not a
 * known user records the name as {@value #HIDDEN}: what was typed may be a password. Thread-safe.
 */
final class SignInAuditListener implements ApplicationListener<AbstractAuthenticationEvent> {

    /** The user name recorded for a failed sign-in with an unknown user name. */
    static final String HIDDEN = "HIDDEN_DUE_TO_SECURITY_REASONS";

    private final ActionTrail actionTrail;
    private final SecurityIdentityProvider identities;
    private final ObjectProvider<UserDetailsService> users;

    SignInAuditListener(
            ActionTrail actionTrail, SecurityIdentityProvider identities, ObjectProvider<UserDetailsService> users) {
        this.actionTrail = actionTrail;
        this.identities = identities;
        this.users = users;
    }

    @Override
    public void onApplicationEvent(AbstractAuthenticationEvent event) {
        Authentication authentication = event.getAuthentication();
        if (event instanceof InteractiveAuthenticationSuccessEvent) {
            actionTrail.record(AuditEvent.builder("ConsoleSignin")
                    .eventType(EventType.CONSOLE_SIGNIN)
                    .eventRW(EventRW.WRITE)
                    .userIdentity(identities.identityOf(authentication))
                    .outcome(Outcome.SUCCESS)
                    .build());
        } else if (event instanceof AbstractAuthenticationFailureEvent failure) {
            String name = authentication.getName();
            boolean known = !(failure.getException() instanceof UsernameNotFoundException) && isKnownUser(name);
            actionTrail.record(AuditEvent.builder("ConsoleSignin")
                    .eventType(EventType.CONSOLE_SIGNIN)
                    .eventRW(EventRW.WRITE)
                    .userIdentity(UserIdentity.builder(UserIdentity.Type.USER)
                            .userName(known ? name : HIDDEN)
                            .principalId(known ? name : null)
                            .build())
                    .failure(failure.getException())
                    .outcome(Outcome.FAILURE)
                    .build());
        } else if (event instanceof LogoutSuccessEvent) {
            actionTrail.record(AuditEvent.builder("ConsoleSignout")
                    .eventType(EventType.CONSOLE_SIGNOUT)
                    .eventRW(EventRW.WRITE)
                    .userIdentity(identities.identityOf(authentication))
                    .outcome(Outcome.SUCCESS)
                    .build());
        }
    }

    private boolean isKnownUser(@Nullable String name) {
        UserDetailsService service = users.getIfUnique();
        if (name == null || name.isBlank() || service == null) {
            return false; // cannot tell: hide it
        }
        try {
            return service.loadUserByUsername(name) != null;
        } catch (RuntimeException e) {
            return false;
        }
    }
}
