package io.actiontrail.spring.web;

import io.actiontrail.ActionTrail;
import io.actiontrail.AuditContext;
import io.actiontrail.AuditEvent;
import io.actiontrail.EventRW;
import io.actiontrail.Outcome;
import io.actiontrail.UserIdentity;
import io.actiontrail.capture.AuditedMethod;
import io.actiontrail.capture.CallRecorder;
import io.actiontrail.capture.Invocation;
import io.actiontrail.spring.AuditIdentityProvider;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.lang.reflect.Method;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.web.method.HandlerMethod;
import org.springframework.web.servlet.AsyncHandlerInterceptor;
import org.springframework.web.servlet.DispatcherServlet;
import org.springframework.web.servlet.HandlerMapping;
import org.springframework.web.servlet.ModelAndView;

/**
 * Audits controller handlers: every handler of a mutating HTTP method (and of GET, HEAD and OPTIONS when read methods
 * are on) becomes one event named after the handler, {@code @Audited} on the handler refining it. The event carries
 * path variables, query and form parameters and the request body as redacted {@code requestParameters}; a status of
 * 400 or more, or an exception, makes it a {@code Failure} ({@code Denied} for 401, 403 and security exceptions)
 * with the error code, and so do validation errors of the handler's form objects ({@value ValidationErrors#VALIDATION_FAILED}, with
 * the objects, fields and codes, never the rejected values, in {@code additionalEventData.validationErrors}). While the handler runs, the caller's identity is bound to the {@link AuditContext}.
 * Thread-safe.
 */
final class ControllerAuditInterceptor implements AsyncHandlerInterceptor {

    static final String CALL = ControllerAuditInterceptor.class.getName() + ".CALL";

    /** Set once the dispatcher reached a handler method: from then on, this interceptor decides what is recorded. */
    static final String HANDLER_REACHED = ControllerAuditInterceptor.class.getName() + ".HANDLER_REACHED";

    private static final Logger log = LoggerFactory.getLogger(ControllerAuditInterceptor.class);

    /** Stands for "no provider" in {@link #identityProvider}, once looked up. */
    private static final AuditIdentityProvider NO_PROVIDER = () -> null;

    private final ActionTrail actionTrail;
    private final ObjectProvider<AuditIdentityProvider> identities;
    private final boolean readMethods;
    private final boolean resourcesFromPaths;
    private final Map<Method, HandlerPlan> plans = new ConcurrentHashMap<>();
    private volatile @Nullable AuditIdentityProvider identityProvider;

    ControllerAuditInterceptor(
            ActionTrail actionTrail,
            ObjectProvider<AuditIdentityProvider> identities,
            boolean readMethods,
            boolean resourcesFromPaths) {
        this.actionTrail = actionTrail;
        this.identities = identities;
        this.readMethods = readMethods;
        this.resourcesFromPaths = resourcesFromPaths;
    }

    /** The state of one audited handler call, kept as a request attribute. Not thread-safe: one request. */
    static final class Call {
        final HandlerPlan plan;
        final HandlerMethod handler;
        final Instant start;
        final long startNanos;
        final AuditContext.Scope scope;

        @Nullable
        Object body;

        boolean hasBody;

        @Nullable
        Object result;

        /** The field and object errors of the handler's form objects, from the model; empty when it has none. */
        List<Map<String, String>> validationErrors = List.of();

        /** Whether the handler returned an asynchronous result: the call ends on another thread, later. */
        boolean async;

        /**
         * How the handler's own transaction ended ({@code committed}, {@code rolledBack}, {@code commitFailed}), set by
         * {@link TransactionOutcomes}; none when the handler runs no transaction of its own.
         */
        @Nullable
        String transaction;

        /** The name Spring gives the handler's own transaction: its class and method. */
        String transactionName() {
            return handler.getBeanType().getName() + "." + handler.getMethod().getName();
        }

        Call(HandlerPlan plan, HandlerMethod handler, Instant start, long startNanos, AuditContext.Scope scope) {
            this.plan = plan;
            this.handler = handler;
            this.start = start;
            this.startNanos = startNanos;
            this.scope = scope;
        }
    }

    @Override
    public boolean preHandle(HttpServletRequest request, HttpServletResponse response, Object handler) {
        try {
            if (!(handler instanceof HandlerMethod method)
                    || request.getDispatcherType() != DispatcherType.REQUEST
                    || request.getAttribute(CALL) != null) {
                return true;
            }
            request.setAttribute(HANDLER_REACHED, true);
            if (!HandlerPlan.isApplicationHandler(method.getBeanType())) {
                return true;
            }
            HandlerPlan plan = plans.computeIfAbsent(method.getMethod(), m -> HandlerPlan.of(method));
            boolean read = HandlerPlan.isRead(request.getMethod());
            if (!plan.explicit() && read && !readMethods) {
                return true;
            }
            AuditContext current = AuditContext.current();
            UserIdentity identity = identity();
            AuditContext.Scope scope = (identity == null
                            ? current
                            : current.toBuilder().identity(identity).build())
                    .makeCurrent();
            request.setAttribute(
                    CALL, new Call(plan, method, actionTrail.callRecorder().now(), System.nanoTime(), scope));
        } catch (RuntimeException e) {
            log.warn("ActionTrail: could not prepare the audit of {}", handler, e);
        }
        return true;
    }

    /**
     * Records a request that a filter refused with 401 or 403 before it reached its handler (Spring Security's URL
     * rules, a missing or bad credential) as a {@code Denied} call of that handler, when the handler's calls are
     * audited: named as the call would have been, with who was refused (the identity at the moment of refusal) and the
     * path, never the arguments the handler did not get.
     */
    void recordRefusal(HttpServletRequest request, HandlerMethod handler, int status, @Nullable UserIdentity identity) {
        if (!HandlerPlan.isApplicationHandler(handler.getBeanType())) {
            return;
        }
        HandlerPlan plan = plans.computeIfAbsent(handler.getMethod(), m -> HandlerPlan.of(handler));
        boolean read = HandlerPlan.isRead(request.getMethod());
        if (!plan.explicit() && read && !readMethods) {
            return;
        }
        AuditedMethod audited = plan.audited();
        Map<String, Object> extra = new LinkedHashMap<>();
        extra.put("httpMethod", request.getMethod());
        extra.put("path", request.getRequestURI());
        extra.put("httpStatus", status);
        AuditEvent.Builder b = AuditEvent.builder(audited != null ? audited.eventName() : plan.eventName())
                .eventTime(actionTrail.callRecorder().now())
                .eventRW(audited != null ? audited.eventRW() : read ? EventRW.READ : EventRW.WRITE)
                .outcome(Outcome.DENIED)
                .errorCode(HttpOutcomes.errorCode(status))
                .errorMessage("HTTP " + status + " " + HttpOutcomes.reason(status) + ", refused before the handler")
                .additionalEventData(extra);
        if (identity != null) {
            b.userIdentity(identity);
        }
        actionTrail.record(b.build());
    }

    /** The identity of the current caller, as the identity provider sees it now; none without a provider. */
    @Nullable
    UserIdentity currentIdentity() {
        return identity();
    }

    /**
     * Reads the validation errors of the handler's form objects from its model: a form handler that finds errors
     * renders the form again with 200, so the status alone would call it a success.
     */
    @Override
    public void postHandle(
            HttpServletRequest request, HttpServletResponse response, Object handler, @Nullable ModelAndView view) {
        if (view == null || !(request.getAttribute(CALL) instanceof Call call)) {
            return;
        }
        try {
            call.validationErrors = ValidationErrors.of(view.getModel());
        } catch (RuntimeException e) {
            log.warn("ActionTrail: could not read the validation errors of {}", call.plan.eventName(), e);
        }
    }

    /**
     * The handler returned an asynchronous result ({@code Callable}, {@code DeferredResult}, {@code CompletableFuture},
     * an emitter): the request thread goes back to the server's pool now, so the context is unbound from it here, and
     * the call is recorded when the asynchronous dispatch completes, under the same context, with the whole duration.
     */
    @Override
    public void afterConcurrentHandlingStarted(
            HttpServletRequest request, HttpServletResponse response, Object handler) {
        if (request.getAttribute(CALL) instanceof Call call) {
            call.async = true;
            call.scope.close();
        }
    }

    @Override
    public void afterCompletion(
            HttpServletRequest request, HttpServletResponse response, Object handler, @Nullable Exception ex) {
        if (!(request.getAttribute(CALL) instanceof Call call)) {
            return;
        }
        request.removeAttribute(CALL);
        // an asynchronous call completes on another thread, which has no context: the call's own is bound again
        AuditContext.Scope rebound = call.async ? call.scope.context().makeCurrent() : null;
        try {
            record(call, request, response, ex);
        } catch (RuntimeException e) {
            log.warn("ActionTrail: recording {} failed", call.plan.eventName(), e);
        } finally {
            if (rebound != null) {
                rebound.close();
            }
            call.scope.close();
        }
    }

    /**
     * Records the call: an {@code @Audited} handler through the {@link CallRecorder}, as any audited method, with what
     * HTTP adds (request parameters, status, outcome) applied last; any other handler as an event of its own.
     */
    private void record(Call call, HttpServletRequest request, HttpServletResponse response, @Nullable Exception ex) {
        HandlerPlan plan = call.plan;
        AuditedMethod audited = plan.audited();
        Map<String, String> pathVariables = pathVariables(request);
        Throwable failure = ex != null ? ex : handledException(request);
        int status = ex != null ? HttpOutcomes.statusOf(ex) : response.getStatus();
        List<Map<String, String>> invalid = call.validationErrors;
        String transaction = call.transaction;
        // a handler that answered normally although its transaction rolled back changed nothing: no success
        boolean rolledBack = TransactionOutcomes.ROLLED_BACK.equals(transaction);
        boolean failed = ex != null || status >= 400 || !invalid.isEmpty() || rolledBack;
        boolean captureArgs = audited == null || audited.captureArgs();
        Consumer<AuditEvent.Builder> http = b -> {
            if (captureArgs) {
                b.requestParameters(requestParameters(call, request, pathVariables));
            }
            if (failed) {
                b.responseElements(null); // an error answer is no result
                if (failure != null) {
                    b.failure(failure);
                } else if (!invalid.isEmpty()) {
                    b.errorCode(ValidationErrors.VALIDATION_FAILED).errorMessage(ValidationErrors.message(invalid));
                } else if (status < 400) {
                    b.errorCode(TransactionOutcomes.TRANSACTION_ROLLED_BACK)
                            .errorMessage("the handler returned, and its transaction rolled back");
                } else {
                    b.errorCode(HttpOutcomes.errorCode(status))
                            .errorMessage("HTTP " + status + " " + HttpOutcomes.reason(status));
                }
                b.outcome(
                        status == 401 || status == 403 || (failure != null && HttpOutcomes.isDenial(failure))
                                ? Outcome.DENIED
                                : Outcome.FAILURE);
            } else {
                b.outcome(Outcome.SUCCESS);
            }
            Map<String, Object> extra = new LinkedHashMap<>();
            extra.put("httpMethod", request.getMethod());
            extra.put("path", request.getRequestURI());
            extra.put("httpStatus", status);
            if (!invalid.isEmpty()) {
                extra.put("validationErrors", invalid);
            }
            if (transaction != null) {
                extra.put("transaction", transaction);
            }
            b.additionalEventData(extra);
        };
        long elapsed = System.nanoTime() - call.startNanos;
        if (audited != null) {
            Invocation invocation = new Invocation(
                    audited.method(),
                    call.handler.getBean(),
                    plan.parameters()
                            .arguments(pathVariables::get, request::getParameter, call.hasBody ? call.body : null),
                    failed ? null : call.result,
                    failed ? failure : null,
                    call.start,
                    elapsed);
            actionTrail.callRecorder().record(audited, invocation, http);
            return;
        }
        boolean read = HandlerPlan.isRead(request.getMethod());
        AuditEvent.Builder b = AuditEvent.builder(plan.eventName())
                .eventTime(call.start)
                .durationMs(elapsed / 1_000_000)
                .eventRW(read ? EventRW.READ : EventRW.WRITE);
        if (resourcesFromPaths) {
            resourcesFromPath(b, request, response, pathVariables);
        }
        http.accept(b);
        actionTrail.record(b.build());
    }

    private static void resourcesFromPath(
            AuditEvent.Builder b, HttpServletRequest request, HttpServletResponse response, Map<String, String> vars) {
        if (!(request.getAttribute(HandlerMapping.BEST_MATCHING_PATTERN_ATTRIBUTE) instanceof String pattern)) {
            return;
        }
        int status = response.getStatus();
        String redirect = status >= 300 && status < 400 ? response.getHeader("Location") : null;
        PathResources.Resources resources = PathResources.of(pattern, vars, redirect);
        if (resources.type() != null) {
            b.resource(resources.type(), resources.name());
        }
        if (!resources.referenced().isEmpty()) {
            b.referencedResources(resources.referenced());
        }
    }

    private static @Nullable Throwable handledException(HttpServletRequest request) {
        Object handled = request.getAttribute(DispatcherServlet.EXCEPTION_ATTRIBUTE);
        return handled instanceof Throwable t ? t : null;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, String> pathVariables(HttpServletRequest request) {
        Object vars = request.getAttribute(HandlerMapping.URI_TEMPLATE_VARIABLES_ATTRIBUTE);
        return vars instanceof Map<?, ?> map ? (Map<String, String>) map : Map.of();
    }

    private static Map<String, @Nullable Object> requestParameters(
            Call call, HttpServletRequest request, Map<String, String> vars) {
        Map<String, List<String>> parameters = new LinkedHashMap<>();
        request.getParameterMap().forEach((k, v) -> parameters.put(k, Arrays.asList(v)));
        return call.plan.parameters().requestParameters(vars, parameters, call.body, call.hasBody);
    }

    private @Nullable UserIdentity identity() {
        AuditIdentityProvider provider = identityProvider;
        if (provider == null) {
            // looked up on the first request, when the context is complete, then kept: a lookup per request costs
            // more than the rest of the capture
            AuditIdentityProvider available = identities.getIfAvailable();
            provider = available == null ? NO_PROVIDER : available;
            identityProvider = provider;
        }
        return provider.currentIdentity();
    }
}
