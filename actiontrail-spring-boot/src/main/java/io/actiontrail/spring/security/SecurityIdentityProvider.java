package io.actiontrail.spring.security;

import io.actiontrail.UserIdentity;
import io.actiontrail.spring.AuditIdentityProvider;
import java.lang.reflect.Method;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;
import org.springframework.security.authentication.AnonymousAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.util.ClassUtils;
import org.springframework.util.ReflectionUtils;

/**
 * Reads the caller from Spring Security's {@code SecurityContext}; {@code Anonymous} for anonymous authentication.
 *
 * <ul>
 *   <li>The principal: a token's {@code sub} claim, else the authentication's name; the user name is the name.
 *   <li>The type: {@code Service} for a client acting for itself (a token whose {@code client_id}, {@code azp} or
 *       {@code cid} is its subject, or that has no subject), {@code User} otherwise.
 *   <li>The access key id: that client id, the application or API key the token was issued to.
 *   <li>The tenant ({@code accountId}), when configured: a claim or attribute of the token, principal or details.
 *   <li>The session: the roles (the authorities, without the {@code FACTOR_*} ones); {@code mfaAuthenticated} true
 *       when two or more {@code FACTOR_*} authorities show factors passed, false for one, else from an {@code amr}
 *       claim holding {@code mfa}; the creation date from the HTTP session, else the token's {@code auth_time}.
 * </ul>
 *
 * Thread-safe.
 */
final class SecurityIdentityProvider implements AuditIdentityProvider {

    /** The authority prefix Spring Security gives the factors an authentication passed. */
    static final String FACTOR = "FACTOR_";

    /** Spring's request holder and the Servlet API: a WebFlux application has the first only. */
    private static final boolean SERVLET = ClassUtils.isPresent(
                    "org.springframework.web.context.request.RequestContextHolder",
                    SecurityIdentityProvider.class.getClassLoader())
            && ClassUtils.isPresent(
                    "jakarta.servlet.http.HttpSession", SecurityIdentityProvider.class.getClassLoader());

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
        Set<String> factors = new TreeSet<>();
        for (GrantedAuthority authority : authentication.getAuthorities()) {
            String value = authority.getAuthority();
            if (value == null) {
                continue;
            }
            if (value.startsWith(FACTOR)) {
                factors.add(value);
            } else {
                roles.add(value);
            }
        }
        Map<?, ?> claims = claims(authentication);
        String subject = text(claims.get("sub"));
        String client = firstText(claims, "client_id", "azp", "cid");
        boolean service = client != null && (subject == null || subject.equals(client));
        Boolean mfa = factors.isEmpty() ? mfaClaim(claims) : Boolean.valueOf(factors.size() >= 2);
        Instant created = sessionCreation();
        if (created == null) {
            created = instant(claims.get("auth_time"));
        }
        UserIdentity.SessionContext session = roles.isEmpty() && mfa == null && created == null
                ? null
                : new UserIdentity.SessionContext(mfa, created, roles);
        return UserIdentity.builder(service ? UserIdentity.Type.SERVICE : UserIdentity.Type.USER)
                .principalId(subject != null ? subject : name)
                .userName(name)
                .accessKeyId(client)
                .accountId(tenant(authentication))
                .sessionContext(session)
                .build();
    }

    /** The claims of a token authentication (JWT, opaque token) or of an OAuth2/OIDC principal; empty for others. */
    private static Map<?, ?> claims(Authentication authentication) {
        for (Object source : new Object[] {
            mapOf(authentication, "getTokenAttributes"),
            mapOf(authentication.getPrincipal(), "getClaims"),
            mapOf(authentication.getPrincipal(), "getAttributes")
        }) {
            if (source instanceof Map<?, ?> map && !map.isEmpty()) {
                return map;
            }
        }
        return Map.of();
    }

    private static @Nullable String firstText(Map<?, ?> claims, String... keys) {
        for (String key : keys) {
            String value = text(claims.get(key));
            if (value != null) {
                return value;
            }
        }
        return null;
    }

    private static @Nullable String text(@Nullable Object value) {
        if (value == null) {
            return null;
        }
        String text = String.valueOf(value);
        return text.isBlank() ? null : text;
    }

    /** {@code true} when an {@code amr} claim (a list of methods, RFC 8176) holds {@code mfa}; unknown otherwise. */
    private static @Nullable Boolean mfaClaim(Map<?, ?> claims) {
        return (claims.get("amr") instanceof Collection<?> methods && methods.contains("mfa")) ? Boolean.TRUE : null;
    }

    /** A claim's time: an {@code Instant}, or seconds since the epoch as a number. */
    private static @Nullable Instant instant(@Nullable Object value) {
        if (value instanceof Instant instant) {
            return instant;
        }
        if (value instanceof Number seconds) {
            return Instant.ofEpochSecond(seconds.longValue());
        }
        return null;
    }

    /** When the caller's HTTP session began, on a request thread with a session; else unknown. */
    private static @Nullable Instant sessionCreation() {
        return SERVLET ? HttpSessions.creation() : null;
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
