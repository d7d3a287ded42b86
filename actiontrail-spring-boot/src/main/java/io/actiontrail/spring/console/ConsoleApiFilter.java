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
 * Serves the ActionTrail API below its base path and the web console that reads it one level up ({@code
 * /actiontrail/api} and {@code /actiontrail}), after the application's security filters. Every API request is checked
 * by the {@link ConsoleAccess} first; a refused one is answered 401 or 403 and recorded as a {@code Denied} read. The
 * console's files get the same check, except with a bearer token, which the page must be loaded to ask for: they hold
 * no data, and every call the page makes is checked. A refused page goes to the application's Spring Security when it
 * is around, so that its sign-in applies. Every response below the path carries the console's security headers. Other
 * paths pass through untouched. Thread-safe.
 */
final class ConsoleApiFilter extends OncePerRequestFilter {

    private static final Logger log = LoggerFactory.getLogger(ConsoleApiFilter.class);

    private final String basePath;
    private final String consolePath;
    private final ConsoleAccess access;
    private final ConsoleApi api;
    private final ConsoleUi ui;

    /** @param basePath the API's path, {@code <actiontrail.console.path>/api}: the console is served one level up */
    ConsoleApiFilter(String basePath, ConsoleAccess access, ConsoleApi api) {
        this.basePath = basePath;
        this.consolePath = basePath.substring(0, basePath.lastIndexOf('/'));
        this.access = access;
        this.api = api;
        this.ui = new ConsoleUi(access instanceof TokenConsoleAccess);
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        return !below(path(request), consolePath);
    }

    private static boolean below(String path, String base) {
        return path.equals(base) || path.startsWith(base + "/");
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        ConsoleUi.secure(response);
        String full = path(request);
        if (!below(full, basePath)) {
            page(full.substring(consolePath.length()), request, response);
            return;
        }
        String path = full.substring(basePath.length());
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

    /** The console's page and files: not audited (they hold no data; the API calls they make are). */
    private void page(String path, HttpServletRequest request, HttpServletResponse response) throws IOException {
        if (!ui.open()) {
            try {
                access.check(request);
            } catch (ConsoleAccess.Refused refused) {
                if (SecurityChallenge.inside(request)) {
                    throw SecurityChallenge.challenge(refused);
                }
                ConsoleUi.refuse(response, refused.status(), String.valueOf(refused.getMessage()));
                return;
            }
        }
        ui.serve(path, request, response);
    }

    private static String path(HttpServletRequest request) {
        String uri = request.getRequestURI();
        String context = request.getContextPath();
        return context != null && !context.isEmpty() && uri.startsWith(context) ? uri.substring(context.length()) : uri;
    }
}
