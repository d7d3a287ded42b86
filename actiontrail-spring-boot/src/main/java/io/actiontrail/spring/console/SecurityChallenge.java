package io.actiontrail.spring.console;

import jakarta.servlet.http.HttpServletRequest;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.authentication.InsufficientAuthenticationException;

/**
 * Hands a refusal of the console's page to the application's own Spring Security, so that its sign-in applies: an
 * unauthenticated caller gets the application's login (a form, a basic challenge…), an authenticated one without the
 * authority its access-denied answer. Loaded only when Spring Security is present. Stateless.
 */
final class SecurityChallenge {

    /** Set by Spring Security's filter chain while a request is inside it. */
    private static final String APPLIED = "org.springframework.security.web.FilterChainProxy.APPLIED";

    private SecurityChallenge() {}

    /** Whether the request passed through Spring Security's filters, whose exception handling is still around it. */
    static boolean inside(HttpServletRequest request) {
        return request.getAttribute(APPLIED) != null;
    }

    /** Throws what Spring Security's exception translation turns into the application's answer. */
    static RuntimeException challenge(ConsoleAccess.Refused refused) {
        String reason = String.valueOf(refused.getMessage());
        if (refused.status() == 401) {
            throw new InsufficientAuthenticationException("ActionTrail console: " + reason);
        }
        throw new AccessDeniedException("ActionTrail console: " + reason);
    }
}
