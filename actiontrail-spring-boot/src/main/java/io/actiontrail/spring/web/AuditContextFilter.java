package io.actiontrail.spring.web;

import io.actiontrail.AuditContext;
import io.actiontrail.EventType;
import io.actiontrail.spring.autoconfigure.ActionTrailProperties;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.springframework.core.Ordered;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Binds the request's {@link AuditContext} — source IP through trusted proxies only, user agent, request id, channel
 * — for the whole request, ahead of Spring Security so that sign-in events carry it too; when controllers are audited,
 * also watches for requests refused before their handler ({@link Refusals}). The request id comes from
 * the request-id header, else the W3C {@code traceparent} trace id, else is generated; it is echoed back. Thread-safe.
 */
final class AuditContextFilter extends OncePerRequestFilter implements Ordered {

    /** Runs before Spring Security's filter chain (order -100). */
    static final int ORDER = -200;

    private final TrustedProxies proxies;
    private final String requestIdHeader;
    private final ActionTrailProperties.ChannelRule channelRule;
    private final @Nullable Refusals refusals;

    /** @param refusals what records requests refused before their handler; none when controllers are not audited */
    AuditContextFilter(
            TrustedProxies proxies,
            String requestIdHeader,
            ActionTrailProperties.ChannelRule channelRule,
            @Nullable Refusals refusals) {
        this.proxies = proxies;
        this.requestIdHeader = requestIdHeader;
        this.channelRule = channelRule;
        this.refusals = refusals;
    }

    @Override
    public int getOrder() {
        return ORDER;
    }

    @Override
    @SuppressWarnings("try") // the scope is used for its close() only
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String requestId = requestId(request);
        response.setHeader(requestIdHeader, requestId);
        AuditContext context = AuditContext.builder()
                .sourceIpAddress(proxies.clientAddress(
                        request.getRemoteAddr(), headers(request, "Forwarded"), headers(request, "X-Forwarded-For")))
                .userAgent(request.getHeader("User-Agent"))
                .requestId(requestId)
                .eventType(channel(request))
                .build();
        try (AuditContext.Scope scope = context.makeCurrent()) {
            Refusals watching = refusals;
            if (watching == null) {
                chain.doFilter(request, response);
                return;
            }
            HttpServletResponse watched = watching.watch(response);
            chain.doFilter(request, watched);
            watching.recordIfRefused(request, watched);
        }
    }

    private String requestId(HttpServletRequest request) {
        return RequestIds.of(request.getHeader(requestIdHeader), request.getHeader("traceparent"));
    }

    private @Nullable EventType channel(HttpServletRequest request) {
        return switch (channelRule) {
            case API_CALL -> EventType.API_CALL;
            case CONSOLE_OPERATION -> EventType.CONSOLE_OPERATION;
            case AUTO ->
                request.getRequestedSessionId() != null
                                && request.isRequestedSessionIdFromCookie()
                                && request.getHeader("Authorization") == null
                        ? EventType.CONSOLE_OPERATION
                        : EventType.API_CALL;
        };
    }

    private static List<String> headers(HttpServletRequest request, String name) {
        Enumeration<String> values = request.getHeaders(name);
        return values == null ? List.of() : Collections.list(values);
    }
}
