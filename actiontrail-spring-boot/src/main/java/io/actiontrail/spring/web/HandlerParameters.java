package io.actiontrail.spring.web;

import io.actiontrail.AuditIgnore;
import io.actiontrail.Sensitive;
import io.actiontrail.capture.CallRecorder;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import org.springframework.core.DefaultParameterNameDiscoverer;
import org.springframework.core.MethodParameter;
import org.springframework.core.ParameterNameDiscoverer;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;

/**
 * A handler method's parameters as the web captures read them, read once per method for both stacks: which come from
 * the path, the query or form, and the body, under which names, and which are left out ({@code @AuditIgnore}) or
 * redacted ({@code @Sensitive}). Immutable and thread-safe.
 */
final class HandlerParameters {

    /** Where an argument comes from. */
    enum Source {
        PATH,
        PARAMETER,
        BODY,
        OTHER
    }

    private record Parameter(Source source, String name) {}

    private static final ParameterNameDiscoverer NAMES = new DefaultParameterNameDiscoverer();

    /** A handler without a method (a functional route): no parameter is known. */
    static final HandlerParameters NONE = new HandlerParameters(List.of(), Set.of(), Set.of(), "body", false, false);

    private final List<Parameter> parameters;
    private final Set<String> ignored;
    private final Set<String> sensitive;
    private final String bodyName;
    private final boolean bodySensitive;
    private final boolean bodyIgnored;

    private HandlerParameters(
            List<Parameter> parameters,
            Set<String> ignored,
            Set<String> sensitive,
            String bodyName,
            boolean bodySensitive,
            boolean bodyIgnored) {
        this.parameters = parameters;
        this.ignored = ignored;
        this.sensitive = sensitive;
        this.bodyName = bodyName;
        this.bodySensitive = bodySensitive;
        this.bodyIgnored = bodyIgnored;
    }

    /** Reads the parameters of a handler method, as Spring MVC and WebFlux see them (interfaces' annotations too). */
    static HandlerParameters of(MethodParameter[] methodParameters) {
        List<Parameter> parameters = new ArrayList<>();
        Set<String> ignored = new HashSet<>();
        Set<String> sensitive = new HashSet<>();
        String bodyName = "body";
        boolean bodySensitive = false;
        boolean bodyIgnored = false;
        for (MethodParameter p : methodParameters) {
            p.initParameterNameDiscovery(NAMES);
            PathVariable pathVariable = p.getParameterAnnotation(PathVariable.class);
            RequestParam requestParam = p.getParameterAnnotation(RequestParam.class);
            Parameter parameter;
            if (pathVariable != null) {
                parameter = new Parameter(Source.PATH, name(pathVariable.name(), p));
            } else if (requestParam != null) {
                parameter = new Parameter(Source.PARAMETER, name(requestParam.name(), p));
            } else if (p.hasParameterAnnotation(RequestBody.class)) {
                parameter = new Parameter(Source.BODY, name("", p));
                bodyName = parameter.name();
                bodySensitive = p.hasParameterAnnotation(Sensitive.class);
                bodyIgnored = p.hasParameterAnnotation(AuditIgnore.class);
            } else {
                parameter = new Parameter(Source.OTHER, name("", p));
            }
            parameters.add(parameter);
            if (parameter.source() == Source.PATH || parameter.source() == Source.PARAMETER) {
                if (p.hasParameterAnnotation(AuditIgnore.class)) {
                    ignored.add(parameter.name());
                } else if (p.hasParameterAnnotation(Sensitive.class)) {
                    sensitive.add(parameter.name());
                }
            }
        }
        return new HandlerParameters(
                List.copyOf(parameters),
                Set.copyOf(ignored),
                Set.copyOf(sensitive),
                bodyName,
                bodySensitive,
                bodyIgnored);
    }

    private static String name(String declared, MethodParameter p) {
        if (!declared.isEmpty()) {
            return declared;
        }
        String name = p.getParameterName();
        return name != null ? name : "arg" + p.getParameterIndex();
    }

    /**
     * The handler's arguments as far as the request tells them, by position, for its {@code @Audited} expressions.
     *
     * @param path a path variable's value by name
     * @param parameter a query or form parameter's first value by name
     * @param body the request body the handler got, if it is known
     */
    @Nullable
    Object[] arguments(
            Function<String, @Nullable String> path,
            Function<String, @Nullable String> parameter,
            @Nullable Object body) {
        @Nullable Object[] args = new Object[parameters.size()];
        for (int i = 0; i < args.length; i++) {
            Parameter p = parameters.get(i);
            args[i] = switch (p.source()) {
                case PATH -> path.apply(p.name());
                case PARAMETER -> parameter.apply(p.name());
                case BODY -> body;
                case OTHER -> null;
            };
        }
        return args;
    }

    /**
     * The request parameters of the event: the path variables, then every query or form parameter not named yet, then
     * the body under its parameter's name, each left out or redacted as its parameter says.
     *
     * @param bodyKnown whether the body was read (a {@code null} body is then recorded as such)
     */
    Map<String, @Nullable Object> requestParameters(
            Map<String, String> pathVariables,
            Map<String, ? extends List<String>> parameters,
            @Nullable Object body,
            boolean bodyKnown) {
        Map<String, @Nullable Object> out = new LinkedHashMap<>();
        pathVariables.forEach((k, v) -> put(out, k, v));
        parameters.forEach((k, v) -> {
            if (!out.containsKey(k)) {
                put(out, k, v.size() == 1 ? v.get(0) : List.copyOf(v));
            }
        });
        if (bodyKnown && !bodyIgnored) {
            out.put(bodyName, bodySensitive ? CallRecorder.REDACTED : body);
        }
        return out;
    }

    private void put(Map<String, @Nullable Object> out, String key, @Nullable Object value) {
        if (!ignored.contains(key)) {
            out.put(key, sensitive.contains(key) ? CallRecorder.REDACTED : value);
        }
    }
}
