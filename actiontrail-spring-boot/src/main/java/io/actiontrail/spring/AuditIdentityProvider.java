package io.actiontrail.spring;

import io.actiontrail.UserIdentity;
import org.jspecify.annotations.Nullable;

/**
 * Tells who the current caller is, for events recorded on this thread without an identity of their own. With Spring
 * Security on the classpath the starter provides one reading the {@code SecurityContext}; declare a bean of this type
 * to replace it.
 *
 * <p>Implementations must be thread-safe; they are called on the request threads.
 */
@FunctionalInterface
public interface AuditIdentityProvider {

    /** Returns the identity of the current caller, or {@code null} when it is not known here. */
    @Nullable
    UserIdentity currentIdentity();
}
