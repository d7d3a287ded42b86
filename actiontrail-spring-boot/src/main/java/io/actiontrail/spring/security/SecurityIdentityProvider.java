package io.actiontrail.spring.security;

import io.actiontrail.UserIdentity;
import io.actiontrail.spring.AuditIdentityProvider;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.springframework.security.authentication.AnonymousAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.util.ReflectionUtils;

/**
 * Reads the caller from Spring Security's {@code SecurityContext}: a {@code User} identity with the authentication's
 * name, its authorities as session roles and, when configured, the tenant from a claim or attribute of the token or
 * principal; {@code Anonymous} for anonymous authentication. Thread-safe.
 */
final class SecurityIdentityProvider implements AuditIdentityProvider {

    private final @Nullable String tenantAttribute;

    SecurityIdentityProvider(@Nullable String tenantAttribute) {
        this.tenantAttribute = tenantAttribute == null || tenantAttribute.isBlank() ? null : tenantAttribute;
    }

    @Override
    public @Nullable UserIdentity currentIdentity() {
        return identityOf(SecurityContextHolder.getContext().getAuthentication());
    }

    /** Returns the identity of an authentication; {@code null} for none. */
    @Nullable
    UserIdentity identityOf(@Nullable Authentication authentication) {
        if (authentication == null) {
            return null;
        }
        if (authentication instanceof AnonymousAuthenticationToken || !authentication.isAuthenticated()) {
            return UserIdentity.anonymous();
        }
        String name = authentication.getName();
        List<String> roles = new ArrayList<>();
        for (GrantedAuthority authority : authentication.getAuthorities()) {
            if (authority.getAuthority() != null) {
                roles.add(authority.getAuthority());
            }
        }
        return UserIdentity.builder(UserIdentity.Type.USER)
                .principalId(name)
                .userName(name)
                .accountId(tenant(authentication))
                .sessionContext(roles.isEmpty() ? null : new UserIdentity.SessionContext(null, null, roles))
                .build();
    }

    private @Nullable String tenant(Authentication authentication) {
        String key = tenantAttribute;
        if (key == null) {
            return null;
        }
        // JWT and opaque-token authentications, OAuth2/OIDC principals, map-shaped principals and details
        Object[] sources = {
            mapOf(authentication, "getTokenAttributes"),
            authentication.getPrincipal(),
            mapOf(authentication.getPrincipal(), "getAttributes"),
            mapOf(authentication.getPrincipal(), "getClaims"),
            authentication.getDetails()
        };
        for (Object source : sources) {
            if (source instanceof Map<?, ?> map && map.get(key) != null) {
                return String.valueOf(map.get(key));
            }
        }
        return null;
    }

    private static @Nullable Object mapOf(@Nullable Object target, String getter) {
        if (target == null) {
            return null;
        }
        Method method = ReflectionUtils.findMethod(target.getClass(), getter);
        if (method == null || !Map.class.isAssignableFrom(method.getReturnType())) {
            return null;
        }
        try {
            return method.invoke(target);
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null;
        }
    }
}
