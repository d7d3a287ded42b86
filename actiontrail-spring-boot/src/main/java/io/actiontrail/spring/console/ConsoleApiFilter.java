package io.actiontrail.spring.console;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Serves the ActionTrail API below its base path, after the application's security filters: every request is
 * checked by the {@link ConsoleAccess} first; a refused one is answered 401 or 403 and recorded as a {@code Denied}
 * read. Other paths pass through untouched. Thread-safe.
 */
final class ConsoleApiFilter extends OncePerRequestFilter {

    private static final Logger log = LoggerFactory.getLogger(ConsoleApiFilter.class);

    private final String basePath;
    private final ConsoleAccess access;
    private final ConsoleApi api;

    ConsoleApiFilter(String basePath, ConsoleAccess access, ConsoleApi api) {
        this.basePath = basePath;
        this.access = access;
        this.api = api;
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        String path = path(request);
        return !(path.equals(basePath) || path.startsWith(basePath + "/"));
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String path = path(request).substring(basePath.length());
        try {
            access.check(request);
        } catch (ConsoleAccess.Refused refused) {
            api.refused(path, request, refused.status(), String.valueOf(refused.getMessage()));
            if (refused.status() == 401) {
                response.setHeader("WWW-Authenticate", "Bearer");
            }
            ConsoleApi.error(response, refused.status(), String.valueOf(refused.getMessage()), -1);
            return;
        }
        try {
            api.handle(path, request, response);
        } catch (RuntimeException e) {
            log.warn("ActionTrail API: {} {} failed", request.getMethod(), request.getRequestURI(), e);
            ConsoleApi.error(response, 500, "the request failed; the server's log says why", -1);
        }
    }

    private static String path(HttpServletRequest request) {
        String uri = request.getRequestURI();
        String context = request.getContextPath();
        return context != null && !context.isEmpty() && uri.startsWith(context) ? uri.substring(context.length()) : uri;
    }
}
