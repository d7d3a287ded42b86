package io.actiontrail.spring.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.actiontrail.UserIdentity;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.security.authentication.AbstractAuthenticationToken;
import org.springframework.security.authentication.AnonymousAuthenticationToken;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.authority.AuthorityUtils;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;
import org.springframework.web.context.request.RequestContextHolder;
import org.springframework.web.context.request.ServletRequestAttributes;

/** The identity read from Spring Security: who, what kind of principal, with which key, tenant, factors and session. */
class SecurityIdentityProviderTest {

    private final SecurityIdentityProvider provider = new SecurityIdentityProvider("tenant");

    /** A token authentication shaped like Spring Security's JWT and opaque-token ones: claims as token attributes. */
    static final class TokenAuthentication extends AbstractAuthenticationToken {
        private static final long serialVersionUID = 1L;

        private final transient Map<String, Object> claims;
        private final String name;

        TokenAuthentication(String name, Map<String, Object> claims, List<GrantedAuthority> authorities) {
            super(authorities);
            this.name = name;
            this.claims = claims;
            setAuthenticated(true);
        }

        public Map<String, Object> getTokenAttributes() {
            return claims;
        }

        @Override
        public String getName() {
            return name;
        }

        @Override
        public Object getCredentials() {
            return "token";
        }

        @Override
        public Object getPrincipal() {
            return name;
        }
    }

    @AfterEach
    void noRequest() {
        RequestContextHolder.resetRequestAttributes();
    }

    @Test
    void aUserTokenGivesTheSubjectTheClientAsAccessKeyTheTenantAndTheSignInTime() {
        UserIdentity identity = Objects.requireNonNull(provider.identityOf(new TokenAuthentication(
                "alice",
                Map.of("sub", "u-1", "azp", "web-console", "tenant", "t-9", "auth_time", 1_764_900_000L),
                AuthorityUtils.createAuthorityList("SCOPE_orders"))));
        assertThat(identity.type()).isEqualTo(UserIdentity.Type.USER);
        assertThat(identity.principalId()).isEqualTo("u-1");
        assertThat(identity.userName()).isEqualTo("alice");
        assertThat(identity.accessKeyId()).isEqualTo("web-console");
        assertThat(identity.accountId()).isEqualTo("t-9");
        UserIdentity.SessionContext session = Objects.requireNonNull(identity.sessionContext());
        assertThat(session.creationDate()).isEqualTo(Instant.ofEpochSecond(1_764_900_000L));
        assertThat(session.roles()).containsExactly("SCOPE_orders");
        assertThat(session.mfaAuthenticated()).isNull();
    }

    @Test
    void aClientActingForItselfIsAService() {
        UserIdentity identity = Objects.requireNonNull(provider.identityOf(new TokenAuthentication(
                "batch-exporter", Map.of("sub", "batch-exporter", "client_id", "batch-exporter"), List.of())));
        assertThat(identity.type()).isEqualTo(UserIdentity.Type.SERVICE);
        assertThat(identity.accessKeyId()).isEqualTo("batch-exporter");
        assertThat(identity.sessionContext()).isNull();
    }

    @Test
    void factorAuthoritiesSayWhetherMoreThanOneFactorWasPassedAndAreNoRoles() {
        UserIdentity two = Objects.requireNonNull(provider.identityOf(UsernamePasswordAuthenticationToken.authenticated(
                "bob", "pw", AuthorityUtils.createAuthorityList("ROLE_USER", "FACTOR_PASSWORD", "FACTOR_OTT"))));
        assertThat(Objects.requireNonNull(two.sessionContext()).mfaAuthenticated())
                .isTrue();
        assertThat(two.sessionContext().roles()).containsExactly("ROLE_USER");

        UserIdentity one = Objects.requireNonNull(provider.identityOf(UsernamePasswordAuthenticationToken.authenticated(
                "bob", "pw", AuthorityUtils.createAuthorityList("ROLE_USER", "FACTOR_PASSWORD"))));
        assertThat(Objects.requireNonNull(one.sessionContext()).mfaAuthenticated())
                .isFalse();

        UserIdentity amr = Objects.requireNonNull(provider.identityOf(
                new TokenAuthentication("carol", Map.of("sub", "u-3", "amr", List.of("pwd", "mfa")), List.of())));
        assertThat(Objects.requireNonNull(amr.sessionContext()).mfaAuthenticated())
                .isTrue();
    }

    @Test
    void theSessionsCreationTimeOnARequestThread() {
        MockHttpServletRequest request = new MockHttpServletRequest();
        long created = Objects.requireNonNull(request.getSession(true)).getCreationTime();
        RequestContextHolder.setRequestAttributes(new ServletRequestAttributes(request));
        UserIdentity identity = Objects.requireNonNull(
                provider.identityOf(UsernamePasswordAuthenticationToken.authenticated("dave", "pw", List.of())));
        assertThat(Objects.requireNonNull(identity.sessionContext()).creationDate())
                .isEqualTo(Instant.ofEpochMilli(created));
        assertThat(identity.principalId()).isEqualTo("dave");
        assertThat(identity.accessKeyId()).isNull();
    }

    @Test
    void anonymousAndNoAuthentication() {
        assertThat(provider.identityOf(null)).isNull();
        assertThat(provider.identityOf(new AnonymousAuthenticationToken(
                        "key", "anonymousUser", AuthorityUtils.createAuthorityList("ROLE_ANONYMOUS"))))
                .isEqualTo(UserIdentity.anonymous());
    }

    @Test
    void readsSpringSecuritysOwnJwtAuthentication() {
        Instant authTime = Instant.parse("2026-12-05T08:00:00Z");
        Jwt jwt = Jwt.withTokenValue("eyJ.token.value")
                .header("alg", "RS256")
                .subject("u-123")
                .claim("client_id", "mobile-app")
                .claim("tenant", "t-9")
                .claim("amr", List.of("pwd", "mfa"))
                .claim("auth_time", authTime)
                .issuedAt(authTime)
                .expiresAt(authTime.plusSeconds(3600))
                .build();
        UserIdentity user = Objects.requireNonNull(provider.identityOf(
                new JwtAuthenticationToken(jwt, AuthorityUtils.createAuthorityList("SCOPE_orders.write"))));
        assertThat(user.type()).isEqualTo(UserIdentity.Type.USER);
        assertThat(user.principalId()).isEqualTo("u-123");
        assertThat(user.userName()).isEqualTo("u-123");
        assertThat(user.accessKeyId()).isEqualTo("mobile-app");
        assertThat(user.accountId()).isEqualTo("t-9");
        UserIdentity.SessionContext session = Objects.requireNonNull(user.sessionContext());
        assertThat(session.mfaAuthenticated()).isTrue();
        assertThat(session.creationDate()).isEqualTo(authTime);
        assertThat(session.roles()).containsExactly("SCOPE_orders.write");
        // the token itself is never part of the identity
        assertThat(user.toString()).doesNotContain("eyJ.token.value");

        // a client acting for itself (client credentials): its id is the subject
        Jwt client = Jwt.withTokenValue("t")
                .header("alg", "RS256")
                .subject("billing-job")
                .claim("client_id", "billing-job")
                .build();
        UserIdentity service =
                Objects.requireNonNull(provider.identityOf(new JwtAuthenticationToken(client, List.of())));
        assertThat(service.type()).isEqualTo(UserIdentity.Type.SERVICE);
        assertThat(service.accessKeyId()).isEqualTo("billing-job");
    }
}
