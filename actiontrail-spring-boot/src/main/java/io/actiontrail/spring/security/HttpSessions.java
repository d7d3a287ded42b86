package io.actiontrail.spring.security;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpSession;
import java.time.Instant;
import org.jspecify.annotations.Nullable;
import org.springframework.web.context.request.RequestAttributes;
import org.springframework.web.context.request.RequestContextHolder;
import org.springframework.web.context.request.ServletRequestAttributes;

/** The HTTP session of the current request thread; loaded only when Spring's web support is on the classpath. */
final class HttpSessions {

    private HttpSessions() {}

    /** When the current request's session began; unknown without a request or a session (never creates one). */
    static @Nullable Instant creation() {
        RequestAttributes attributes = RequestContextHolder.getRequestAttributes();
        if (!(attributes instanceof ServletRequestAttributes servlet)) {
            return null;
        }
        HttpServletRequest request = servlet.getRequest();
        try {
            HttpSession session = request.getSession(false);
            return session == null ? null : Instant.ofEpochMilli(session.getCreationTime());
        } catch (IllegalStateException e) {
            return null; // the session was invalidated meanwhile (a sign-out)
        }
    }
}
