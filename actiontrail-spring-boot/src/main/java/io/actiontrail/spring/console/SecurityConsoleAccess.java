package io.actiontrail.spring.console;

import jakarta.servlet.http.HttpServletRequest;
import org.springframework.security.authentication.AnonymousAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.context.SecurityContextHolder;

/**
 * Access through Spring Security: the application's own security chain authenticates the request as it does any
 * other; this checks that it did, and that the caller holds the configured authority. Thread-safe.
 */
final class SecurityConsoleAccess implements ConsoleAccess {

    private final String authority;

    SecurityConsoleAccess(String authority) {
        this.authority = authority;
    }

    @Override
    public void check(HttpServletRequest request) {
        Authentication authentication = SecurityContextHolder.getContext().getAuthentication();
        if (authentication == null
                || !authentication.isAuthenticated()
                || authentication instanceof AnonymousAuthenticationToken) {
            throw new Refused(401, "authentication is required");
        }
        for (GrantedAuthority granted : authentication.getAuthorities()) {
            if (authority.equals(granted.getAuthority())) {
                return;
            }
        }
        throw new Refused(403, "the authority " + authority + " is required");
    }
}
