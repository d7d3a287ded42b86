package io.actiontrail.spring.web;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.actiontrail.ActionTrail;
import io.actiontrail.AuditContext;
import io.actiontrail.AuditEvent;
import io.actiontrail.EventRW;
import io.actiontrail.EventType;
import io.actiontrail.Outcome;
import io.actiontrail.UserIdentity;
import io.actiontrail.capture.AuditedMethod;
import io.actiontrail.capture.Invocation;
import io.actiontrail.spring.autoconfigure.ActionTrailProperties;
import java.io.ByteArrayOutputStream;
import java.lang.reflect.Method;
import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.Ordered;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.http.server.reactive.ServerHttpRequestDecorator;
import org.springframework.util.MultiValueMap;
import org.springframework.validation.BindingResult;
import org.springframework.web.method.HandlerMethod;
import org.springframework.web.reactive.HandlerMapping;
import org.springframework.web.reactive.function.server.HandlerFunction;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import org.springframework.web.util.pattern.PathPattern;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The WebFlux capture, with the semantics of the Spring MVC one: binds each exchange's {@link AuditContext} (source IP
 * through trusted proxies only, user agent, request id, channel) into the Reactor context under
 * {@code AuditContext.class}, ahead of Spring Security; and records one event per call of an application handler, an
 * annotated controller's method or a functional route, when the exchange completes, fails or is cancelled.
 *
 * <p>A controller handler is named and refined as in Spring MVC ({@code @Audited} wins). A functional route is named by
 * its HTTP method and the resource its pattern names by convention ({@code POST /orders} → {@code CreateOrder},
 * {@code DELETE /orders/{id}} → {@code DeleteOrder}, {@code GET /orders/{id}} → {@code GetOrder}, {@code GET
 * /orders} → {@code ListOrders}), else by the method and the pattern ({@code POST /orders/{id}/cancel}). The request
 * parameters are the path variables, the query, a form's fields (read through the exchange's cached form data, which
 * the handler's binding shares) and a JSON body of at most {@value #MAX_BODY} bytes (copied as the handler reads it,
 * never read for it). The caller's identity comes from {@link ReactiveIdentityFilter}, which runs inside Spring
 * Security's chain. A 401 or 403 answered before any handler is recorded as a {@code Denied} call of the handler the
 * request was for. Thread-safe.
 */
final class ReactiveAuditFilter implements WebFilter, Ordered {

    /** Before Spring Security's chain (order -100), so that its refusals are seen here. */
    static final int ORDER = -200;

    /** The exchange attribute holding the caller's identity, set by {@link ReactiveIdentityFilter}. */
    static final String IDENTITY = ReactiveAuditFilter.class.getName() + ".IDENTITY";

    /** The largest request body copied for the event; a larger one is recorded as truncated. */
    static final int MAX_BODY = 64 * 1024;

    private static final Logger log = LoggerFactory.getLogger(ReactiveAuditFilter.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final ActionTrail actionTrail;
    private final TrustedProxies proxies;
    private final String requestIdHeader;
    private final ActionTrailProperties.ChannelRule channelRule;
    private final boolean controllers;
    private final boolean readMethods;
    private final boolean resourcesFromPaths;
    private final List<HandlerMapping> mappings;
    private final Map<Method, HandlerPlan> plans = new ConcurrentHashMap<>();

    /**
     * The plans of functional routes by HTTP method and pattern: named once, not on every request. Bounded, for a route
     * without a method predicate takes any method name a client sends.
     */
    private final Map<String, HandlerPlan> routePlans = new ConcurrentHashMap<>();

    private static final int MAX_ROUTE_PLANS = 1024;

    ReactiveAuditFilter(
            ActionTrail actionTrail,
            TrustedProxies proxies,
            String requestIdHeader,
            ActionTrailProperties.ChannelRule channelRule,
            boolean controllers,
            boolean readMethods,
            boolean resourcesFromPaths,
            List<HandlerMapping> mappings) {
        this.actionTrail = actionTrail;
        this.proxies = proxies;
        this.requestIdHeader = requestIdHeader;
        this.channelRule = channelRule;
        this.controllers = controllers;
        this.readMethods = readMethods;
        this.resourcesFromPaths = resourcesFromPaths;
        this.mappings = mappings;
    }

    @Override
    public int getOrder() {
        return ORDER;
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        try {
            return audited(exchange, chain);
        } catch (RuntimeException | LinkageError e) {
            // LinkageError: a Spring Framework this build does not know; either way the exchange goes on unaudited
            log.warn("ActionTrail: could not audit {}", exchange.getRequest().getPath(), e);
            return chain.filter(exchange);
        }
    }

    private Mono<Void> audited(ServerWebExchange exchange, WebFilterChain chain) {
        AuditContext context = context(exchange);
        if (!controllers) {
            return chain.filter(exchange).contextWrite(c -> c.put(AuditContext.class, context));
        }
        Call call = new Call(context, actionTrail.callRecorder().now(), System.nanoTime(), exchange.getRequest());
        BodyCopy body = call.body;
        ServerWebExchange observed =
                body == null ? exchange : exchange.mutate().request(body).build();
        Mono<Void> handled = chain.filter(observed);
        if (isForm(exchange)) {
            // read first, through the exchange's cached form data, which the handler's binding then shares
            handled = exchange.getFormData()
                    .doOnNext(fields -> call.form = fields)
                    .onErrorResume(e -> Mono.empty())
                    .then(handled);
        }
        // recorded as the exchange ends, before the server sees the end and recycles the response; in as few
        // operators as that takes, for they are paid on every request
        return handled.doOnEach(signal -> {
                    if (signal.isOnComplete() || signal.isOnError()) {
                        end(observed, call, signal.getThrowable()).subscribe();
                    }
                })
                .doOnCancel(() -> end(observed, call, new CancellationException("the client went away"))
                        .subscribe())
                .contextWrite(c -> c.put(AuditContext.class, context));
    }

    private AuditContext context(ServerWebExchange exchange) {
        ServerHttpRequest request = exchange.getRequest();
        HttpHeaders headers = request.getHeaders();
        String requestId = requestId(headers);
        exchange.getResponse().getHeaders().set(requestIdHeader, requestId);
        InetSocketAddress remote = request.getRemoteAddress();
        String peer = remote == null || remote.getAddress() == null
                ? null
                : remote.getAddress().getHostAddress();
        return AuditContext.builder()
                .sourceIpAddress(
                        peer == null
                                ? null // no peer to trust forwarded headers from
                                : proxies.clientAddress(
                                        peer,
                                        headers.getValuesAsList("Forwarded"),
                                        headers.getValuesAsList("X-Forwarded-For")))
                .userAgent(headers.getFirst(HttpHeaders.USER_AGENT))
                .requestId(requestId)
                .eventType(channel(request))
                .build();
    }

    private String requestId(HttpHeaders headers) {
        return RequestIds.of(headers.getFirst(requestIdHeader), headers.getFirst("traceparent"));
    }

    private @Nullable EventType channel(ServerHttpRequest request) {
        return switch (channelRule) {
            case API_CALL -> EventType.API_CALL;
            case CONSOLE_OPERATION -> EventType.CONSOLE_OPERATION;
            case AUTO ->
                request.getCookies().containsKey("SESSION")
                                && request.getHeaders().getFirst(HttpHeaders.AUTHORIZATION) == null
                        ? EventType.CONSOLE_OPERATION
                        : EventType.API_CALL;
        };
    }

    private static boolean isForm(ServerWebExchange exchange) {
        MediaType type = exchange.getRequest().getHeaders().getContentType();
        return type != null && MediaType.APPLICATION_FORM_URLENCODED.isCompatibleWith(type);
    }

    /** One exchange under audit. Its fields are written by the exchange's signals, which Reactor serialises. */
    private static final class Call {
        final AuditContext context;
        final Instant start;
        final long startNanos;
        /** The request that copies its JSON body; none for a request without one. */
        final @Nullable BodyCopy body;

        final AtomicBoolean ended = new AtomicBoolean();

        volatile @Nullable MultiValueMap<String, String> form;

        Call(AuditContext context, Instant start, long startNanos, ServerHttpRequest request) {
            this.context = context;
            this.start = start;
            this.startNanos = startNanos;
            this.body = BodyCopy.isJson(request) ? new BodyCopy(request) : null;
        }
    }

    /** Copies a JSON request body as the handler reads it, up to {@link #MAX_BODY} bytes. */
    private static final class BodyCopy extends ServerHttpRequestDecorator {
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        private volatile boolean truncated;

        BodyCopy(ServerHttpRequest request) {
            super(request);
        }

        static boolean isJson(ServerHttpRequest request) {
            MediaType type = request.getHeaders().getContentType();
            return type != null
                    && (MediaType.APPLICATION_JSON.isCompatibleWith(type)
                            || type.getSubtype().endsWith("+json"));
        }

        @Override
        public Flux<DataBuffer> getBody() {
            return super.getBody().doOnNext(this::copy);
        }

        private synchronized void copy(DataBuffer buffer) {
            int readable = buffer.readableByteCount();
            int room = MAX_BODY - bytes.size();
            if (readable > room) {
                truncated = true;
            }
            int position = buffer.readPosition();
            for (int i = 0; i < Math.min(readable, room); i++) {
                bytes.write(buffer.getByte(position + i));
            }
        }

        /** The body as JSON values (maps, lists, strings…), a note when it was too large, or none. */
        synchronized @Nullable Object body() {
            if (truncated) {
                return "[a body of more than " + MAX_BODY + " bytes, not recorded]";
            }
            if (bytes.size() == 0) {
                return null;
            }
            try {
                return JSON.readValue(bytes.toByteArray(), Object.class);
            } catch (java.io.IOException e) {
                return "[a body that is not valid JSON, not recorded]";
            }
        }
    }

    /** Records the call once; never fails the exchange. */
    private Mono<Void> end(ServerWebExchange exchange, Call call, @Nullable Throwable error) {
        if (!call.ended.compareAndSet(false, true)) {
            return Mono.empty();
        }
        try {
            Object handler = exchange.getAttribute(HandlerMapping.BEST_MATCHING_HANDLER_ATTRIBUTE);
            if (handler != null) {
                record(exchange, call, handler, error);
                return Mono.empty();
            }
            int status = status(exchange, error);
            if (status != 401 && status != 403) {
                return Mono.empty();
            }
            // refused before any handler: find the one the request was for, as the dispatcher would have
            return Flux.fromIterable(mappings)
                    .concatMap(mapping -> mapping.getHandler(exchange))
                    .next()
                    .doOnNext(refused -> refusal(exchange, call, refused, status))
                    .then()
                    .onErrorResume(e -> {
                        log.warn(
                                "ActionTrail: could not record the refusal of {}",
                                exchange.getRequest().getPath(),
                                e);
                        return Mono.empty();
                    });
        } catch (RuntimeException | LinkageError e) {
            log.warn("ActionTrail: recording {} failed", exchange.getRequest().getPath(), e);
            return Mono.empty();
        }
    }

    private static int status(ServerWebExchange exchange, @Nullable Throwable error) {
        if (error != null) {
            return error instanceof CancellationException ? 499 : HttpOutcomes.statusOf(error);
        }
        HttpStatusCode code = exchange.getResponse().getStatusCode();
        return code == null ? 200 : code.value();
    }

    /** What the handler's plan says, or {@code null} when the handler is not audited. */
    private @Nullable HandlerPlan plan(Object handler, String httpMethod, @Nullable String pattern) {
        HandlerPlan plan;
        if (handler instanceof HandlerMethod method) {
            if (!HandlerPlan.isApplicationHandler(method.getBeanType())) {
                return null;
            }
            plan = plans.computeIfAbsent(method.getMethod(), m -> HandlerPlan.of(method));
        } else if (handler instanceof HandlerFunction<?> && pattern != null) {
            plan = routePlan(httpMethod, pattern);
        } else {
            return null;
        }
        return plan.audits(httpMethod, readMethods) ? plan : null;
    }

    private HandlerPlan routePlan(String httpMethod, String pattern) {
        String key = httpMethod + " " + pattern;
        HandlerPlan plan = routePlans.get(key);
        if (plan == null) {
            plan = HandlerPlan.ofRoute(routeEventName(httpMethod, pattern));
            if (routePlans.size() < MAX_ROUTE_PLANS) {
                routePlans.putIfAbsent(key, plan);
            }
        }
        return plan;
    }

    private void refusal(ServerWebExchange exchange, Call call, Object handler, int status) {
        String httpMethod = exchange.getRequest().getMethod().name();
        HandlerPlan plan = plan(handler, httpMethod, pattern(exchange));
        if (plan == null) {
            return;
        }
        AuditedMethod audited = plan.audited();
        AuditEvent.Builder b = AuditEvent.builder(audited != null ? audited.eventName() : plan.eventName())
                .eventTime(call.start)
                .eventRW(
                        audited != null
                                ? audited.eventRW()
                                : HandlerPlan.isRead(httpMethod) ? EventRW.READ : EventRW.WRITE)
                .outcome(Outcome.DENIED)
                .errorCode(HttpOutcomes.errorCode(status))
                .errorMessage("HTTP " + status + " " + HttpOutcomes.reason(status) + ", refused before the handler")
                .additionalEventData(http(exchange, status, List.of()));
        UserIdentity identity = exchange.getAttribute(IDENTITY);
        if (identity != null) {
            b.userIdentity(identity);
        }
        inContext(call, () -> actionTrail.record(b.build()));
    }

    private void record(ServerWebExchange exchange, Call call, Object handler, @Nullable Throwable error) {
        String httpMethod = exchange.getRequest().getMethod().name();
        String pattern = pattern(exchange);
        HandlerPlan plan = plan(handler, httpMethod, pattern);
        if (plan == null) {
            return;
        }
        AuditedMethod audited = plan.audited();
        Map<String, String> vars = pathVariables(exchange);
        int status = status(exchange, error);
        List<Map<String, String>> invalid = error instanceof BindingResult binding
                ? ValidationErrors.of(Map.of(binding.getObjectName(), binding))
                : List.of();
        boolean failed = error != null || status >= 400;
        boolean captureArgs = audited == null || audited.captureArgs();
        HandlerMethod method = handler instanceof HandlerMethod m ? m : null;
        Consumer<AuditEvent.Builder> http = b -> {
            if (captureArgs) {
                b.requestParameters(requestParameters(exchange, call, plan, vars));
            }
            if (failed) {
                b.responseElements(null);
                if (!invalid.isEmpty()) {
                    b.errorCode(ValidationErrors.VALIDATION_FAILED).errorMessage(ValidationErrors.message(invalid));
                } else if (error != null) {
                    b.failure(error);
                } else {
                    b.errorCode(HttpOutcomes.errorCode(status))
                            .errorMessage("HTTP " + status + " " + HttpOutcomes.reason(status));
                }
                b.outcome(
                        status == 401 || status == 403 || (error != null && HttpOutcomes.isDenial(error))
                                ? Outcome.DENIED
                                : Outcome.FAILURE);
            } else {
                b.outcome(Outcome.SUCCESS);
            }
            b.additionalEventData(http(exchange, status, invalid));
            UserIdentity identity = exchange.getAttribute(IDENTITY);
            if (identity != null) {
                b.userIdentity(identity);
            }
        };
        long elapsed = System.nanoTime() - call.startNanos;
        if (audited != null && method != null) {
            Invocation invocation = new Invocation(
                    audited.method(),
                    method.getBean(),
                    plan.parameters().arguments(vars::get, exchange.getRequest().getQueryParams()::getFirst, null),
                    null,
                    failed ? error : null,
                    call.start,
                    elapsed);
            inContext(call, () -> actionTrail.callRecorder().record(audited, invocation, http));
            return;
        }
        AuditEvent.Builder b = AuditEvent.builder(plan.eventName())
                .eventTime(call.start)
                .durationMs(elapsed / 1_000_000)
                .eventRW(HandlerPlan.isRead(httpMethod) ? EventRW.READ : EventRW.WRITE);
        if (resourcesFromPaths && pattern != null) {
            String redirect = status >= 300 && status < 400
                    ? exchange.getResponse().getHeaders().getFirst(HttpHeaders.LOCATION)
                    : null;
            PathResources.Resources resources = PathResources.of(pattern, vars, redirect);
            if (resources.type() != null) {
                b.resource(resources.type(), resources.name());
            }
            if (!resources.referenced().isEmpty()) {
                b.referencedResources(resources.referenced());
            }
        }
        http.accept(b);
        inContext(call, () -> actionTrail.record(b.build()));
    }

    /** Runs with the exchange's audit context bound: the signal that ends it may come on any thread. */
    @SuppressWarnings("try") // the scope is used for its close() only
    private static void inContext(Call call, Runnable action) {
        try (AuditContext.Scope scope = call.context.makeCurrent()) {
            action.run();
        }
    }

    private static Map<String, Object> http(ServerWebExchange exchange, int status, List<Map<String, String>> invalid) {
        Map<String, Object> extra = new LinkedHashMap<>();
        extra.put("httpMethod", exchange.getRequest().getMethod().name());
        extra.put("path", exchange.getRequest().getPath().value());
        extra.put("httpStatus", status);
        if (!invalid.isEmpty()) {
            extra.put("validationErrors", invalid);
        }
        return extra;
    }

    private static @Nullable String pattern(ServerWebExchange exchange) {
        Object pattern = exchange.getAttribute(HandlerMapping.BEST_MATCHING_PATTERN_ATTRIBUTE);
        if (pattern instanceof PathPattern path) {
            return path.getPatternString();
        }
        return pattern instanceof String text ? text : null;
    }

    private static Map<String, String> pathVariables(ServerWebExchange exchange) {
        Map<String, String> vars = exchange.getAttribute(HandlerMapping.URI_TEMPLATE_VARIABLES_ATTRIBUTE);
        return vars == null ? Map.of() : vars;
    }

    /**
     * A functional route's event name: the HTTP method's verb and the resource its pattern names by convention, or
     * the method and the pattern when the pattern names none.
     */
    static String routeEventName(String httpMethod, String pattern) {
        String[] segments = pattern.split("/", -1);
        String last = segments.length == 0 ? "" : segments[segments.length - 1];
        PathResources.Resources resources = PathResources.of(pattern, Map.of(), null);
        String type = resources.type();
        boolean item = last.startsWith("{");
        if (type == null && item) {
            // the type is named by the collection before the variable, which PathResources reads with a value
            String collection = segments.length >= 2 ? segments[segments.length - 2] : "";
            type = PathResources.of("/" + collection + "/{id}", Map.of("id", "x"), null)
                    .type();
        }
        if (type == null) {
            return httpMethod + " " + pattern;
        }
        return switch (httpMethod.toUpperCase(Locale.ROOT)) {
            case "POST" -> item ? httpMethod + " " + pattern : "Create" + type;
            case "PUT", "PATCH" -> item ? "Update" + type : httpMethod + " " + pattern;
            case "DELETE" -> item ? "Delete" + type : httpMethod + " " + pattern;
            case "GET", "HEAD" -> item ? "Get" + type : "List" + type + "s";
            default -> httpMethod + " " + pattern;
        };
    }

    private static Map<String, @Nullable Object> requestParameters(
            ServerWebExchange exchange, Call call, HandlerPlan plan, Map<String, String> vars) {
        Map<String, List<String>> parameters =
                new LinkedHashMap<>(exchange.getRequest().getQueryParams());
        MultiValueMap<String, String> form = call.form;
        if (form != null) {
            form.forEach(parameters::putIfAbsent);
        }
        BodyCopy copy = call.body;
        Object body = copy == null ? null : copy.body();
        return plan.parameters().requestParameters(vars, parameters, body, body != null);
    }
}
