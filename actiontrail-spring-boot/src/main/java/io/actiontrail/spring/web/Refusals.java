package io.actiontrail.spring.web;

import io.actiontrail.UserIdentity;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpServletResponseWrapper;
import java.io.IOException;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.web.method.HandlerMethod;
import org.springframework.web.servlet.HandlerExecutionChain;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;
import org.springframework.web.util.ServletRequestPathUtils;

/**
 * Audits requests refused with 401 or 403 before they reach a handler — by Spring Security's URL rules, or for a
 * missing or bad credential — which the controller capture never sees. The request context filter, which runs ahead
 * of Spring Security's filters, hands the rest of the chain a response {@link #watch watched} by this class: when a
 * filter answers 401 or 403, it notes who was refused while the security context still says so; when the request ends
 * without having reached a handler, the handler it was for records a {@code Denied} call
 * ({@link ControllerAuditInterceptor#recordRefusal}). Requests for no handler (sign-in and sign-out, which have events
 * of their own; unknown paths) are not recorded. One filter does both jobs, so that a request pays for one filter
 * rather than two. Thread-safe.
 */
final class Refusals {

    private static final Logger log = LoggerFactory.getLogger(Refusals.class);

    private final ControllerAuditInterceptor interceptor;
    private final ObjectProvider<RequestMappingHandlerMapping> mappings;

    /** @param mappings looked up at the first refusal, so that the filter does not create them early */
    Refusals(ControllerAuditInterceptor interceptor, ObjectProvider<RequestMappingHandlerMapping> mappings) {
        this.interceptor = interceptor;
        this.mappings = mappings;
    }

    /** Returns the response to hand the rest of the chain: {@code response}, watched for a 401 or 403. */
    HttpServletResponse watch(HttpServletResponse response) {
        return new RefusalWatch(response, interceptor);
    }

    /**
     * After the chain: records the refusal the {@link #watch watched} response saw, if the request was refused before
     * it reached its handler.
     */
    void recordIfRefused(HttpServletRequest request, HttpServletResponse watched) {
        if (!(watched instanceof RefusalWatch watch)) {
            return;
        }
        int status = watch.refusedWith;
        if (status == 0 || request.getAttribute(ControllerAuditInterceptor.HANDLER_REACHED) != null) {
            return;
        }
        try {
            HandlerMethod handler = handler(request);
            if (handler != null) {
                interceptor.recordRefusal(request, handler, status, watch.refused);
            }
        } catch (RuntimeException e) {
            log.warn(
                    "ActionTrail: could not record the refusal of {} {}",
                    request.getMethod(),
                    request.getRequestURI(),
                    e);
        }
    }

    /** The handler method the request maps to, if any. */
    private @Nullable HandlerMethod handler(HttpServletRequest request) {
        boolean parsed = ServletRequestPathUtils.hasParsedRequestPath(request);
        if (!parsed) {
            ServletRequestPathUtils.parseAndCache(request);
        }
        try {
            for (RequestMappingHandlerMapping mapping : mappings.orderedStream().toList()) {
                HandlerExecutionChain chain;
                try {
                    chain = mapping.getHandler(request);
                } catch (Exception e) {
                    continue; // no match in this mapping (a method or media type that does not fit)
                }
                if (chain != null && chain.getHandler() instanceof HandlerMethod method) {
                    return method;
                }
            }
            return null;
        } finally {
            if (!parsed) {
                ServletRequestPathUtils.clearParsedRequestPath(request);
            }
        }
    }

    /** Notes the first 401 or 403 a filter answers, and who the caller was at that moment. One request. */
    private static final class RefusalWatch extends HttpServletResponseWrapper {
        private final ControllerAuditInterceptor interceptor;
        int refusedWith;

        @Nullable
        UserIdentity refused;

        RefusalWatch(HttpServletResponse response, ControllerAuditInterceptor interceptor) {
            super(response);
            this.interceptor = interceptor;
        }

        private void note(int status) {
            if ((status == 401 || status == 403) && refusedWith == 0) {
                refusedWith = status;
                try {
                    refused = interceptor.currentIdentity();
                } catch (RuntimeException e) {
                    refused = null; // the refusal is still recorded, without a name
                }
            }
        }

        @Override
        public void sendError(int status) throws IOException {
            note(status);
            super.sendError(status);
        }

        @Override
        public void sendError(int status, String message) throws IOException {
            note(status);
            super.sendError(status, message);
        }

        @Override
        public void setStatus(int status) {
            note(status);
            super.setStatus(status);
        }
    }
}
