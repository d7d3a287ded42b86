package io.actiontrail.spring;

import jakarta.servlet.http.HttpServletRequest;
import org.jspecify.annotations.Nullable;

/**
 * Restricts what a caller of the ActionTrail API may read to one tenant: when a bean of this type exists, every
 * search, view, count and export the API answers is limited to the events whose {@code userIdentity.accountId} is the
 * caller's tenant, and a caller whose tenant it cannot tell is refused (403).
 *
 * <p>Implementations must be thread-safe; they are called on the request threads, after authentication.
 */
@FunctionalInterface
public interface ConsoleTenantResolver {

    /** Returns the tenant ({@code accountId}) of the authenticated caller of {@code request}, or null if unknown. */
    @Nullable
    String tenant(HttpServletRequest request);
}
