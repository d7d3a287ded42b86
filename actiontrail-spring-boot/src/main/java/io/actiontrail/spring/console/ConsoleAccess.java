package io.actiontrail.spring.console;

import jakarta.servlet.http.HttpServletRequest;

/** Decides whether a request may read the trail. Implementations are thread-safe. */
interface ConsoleAccess {

    /**
     * Returns normally when the request's caller may read the trail.
     *
     * @throws Refused with 401 when the caller is not authenticated, 403 when it lacks the authority
     */
    void check(HttpServletRequest request);

    /** A refusal: the HTTP status and why, safe to show the caller (never a credential). */
    final class Refused extends RuntimeException {
        private static final long serialVersionUID = 1L;

        private final int status;

        Refused(int status, String reason) {
            super(reason, null, false, false);
            this.status = status;
        }

        int status() {
            return status;
        }
    }
}
