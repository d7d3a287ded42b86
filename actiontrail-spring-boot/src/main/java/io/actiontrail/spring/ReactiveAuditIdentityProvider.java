package io.actiontrail.spring;

import io.actiontrail.UserIdentity;
import reactor.core.publisher.Mono;

/**
 * Who the caller of a reactive request is: the reactive counterpart of {@link AuditIdentityProvider}, asked by the
 * WebFlux capture once per request, inside the request's Reactor context (where Spring Security keeps its reactive
 * security context). With Spring Security on the classpath, one reads its {@code ReactiveSecurityContextHolder}; an
 * application's own bean replaces it.
 *
 * <p>Implementations must be thread-safe.
 */
@FunctionalInterface
public interface ReactiveAuditIdentityProvider {

    /** The caller's identity; empty when nobody is known. Must not fail: an error is logged and treated as empty. */
    Mono<UserIdentity> currentIdentity();
}
