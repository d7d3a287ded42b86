package io.actiontrail.spring.web;

import io.actiontrail.AuditContext;
import io.actiontrail.UserIdentity;
import io.actiontrail.spring.ReactiveAuditIdentityProvider;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.Ordered;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;
import reactor.util.context.ContextView;

/**
 * Asks the {@link ReactiveAuditIdentityProvider} who the caller is, from inside Spring Security's chain (whose
 * reactive security context only the filters after it see), and hands the answer on: as an exchange attribute for the
 * event {@link ReactiveAuditFilter} records, and in the audit context of the Reactor context, for the {@code @Audited}
 * calls the handler makes. Thread-safe.
 */
final class ReactiveIdentityFilter implements WebFilter, Ordered {

    /** After Spring Security's chain (order -100). */
    static final int ORDER = 0;

    private static final Logger log = LoggerFactory.getLogger(ReactiveIdentityFilter.class);

    private final ReactiveAuditIdentityProvider identities;

    ReactiveIdentityFilter(ReactiveAuditIdentityProvider identities) {
        this.identities = identities;
    }

    @Override
    public int getOrder() {
        return ORDER;
    }

    private static AuditContext withIdentity(ContextView context, UserIdentity identity) {
        AuditContext outer = context.getOrDefault(AuditContext.class, null);
        return (outer == null ? AuditContext.empty() : outer)
                .toBuilder().identity(identity).build();
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        return Mono.defer(identities::currentIdentity)
                .onErrorResume(e -> {
                    log.warn("ActionTrail: the identity provider failed; the call is recorded without one", e);
                    return Mono.empty();
                })
                .flatMap(identity -> {
                    exchange.getAttributes().put(ReactiveAuditFilter.IDENTITY, identity);
                    return chain.filter(exchange)
                            .contextWrite(c -> c.put(AuditContext.class, withIdentity(c, identity)))
                            .thenReturn(Boolean.TRUE);
                })
                .switchIfEmpty(Mono.defer(() -> chain.filter(exchange).thenReturn(Boolean.TRUE)))
                .then();
    }
}
