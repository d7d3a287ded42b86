package io.actiontrail.spring.aop;

import io.actiontrail.AuditEvent;
import io.actiontrail.AuditIgnore;
import io.actiontrail.Audited;
import io.actiontrail.EventCategory;
import io.actiontrail.EventRW;
import io.actiontrail.EventType;
import io.actiontrail.Sensitive;
import java.lang.reflect.Method;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.springframework.core.MethodParameter;
import org.springframework.core.annotation.AnnotatedMethod;

/**
 * What to record for one {@link Audited} method, prepared once: names, expressions, which parameters are left out or
 * redacted. Immutable and thread-safe.
 */
public final class AuditedPlan {

    /** The value recorded in place of a {@link Sensitive} argument; the same marker core writes. */
    public static final String REDACTED = "<redacted>";

    public final Method method;
    public final String eventName;
    public final EventRW eventRW;
    public final @Nullable EventType eventType;
    public final EventCategory eventCategory;
    public final @Nullable AuditExpression resourceType;
    public final @Nullable AuditExpression resourceName;
    public final boolean captureArgs;
    public final boolean captureResult;
    private final String[] parameterNames;
    private final boolean[] ignored;
    private final boolean[] sensitive;

    private AuditedPlan(Method method, Audited audited, String defaultName) {
        this.method = method;
        if (audited.eventType().length > 1) {
            throw new IllegalArgumentException("@Audited on "
                    + method.getDeclaringClass().getName() + "." + method.getName() + " gives more than one eventType");
        }
        this.eventName = audited.eventName().isEmpty() ? defaultName : audited.eventName();
        this.eventRW = audited.eventRW();
        this.eventType = audited.eventType().length == 1 ? audited.eventType()[0] : null;
        this.eventCategory = audited.eventCategory();
        this.resourceType = AuditExpression.parse(audited.resourceType(), method, "resourceType");
        this.resourceName = AuditExpression.parse(audited.resourceName(), method, "resourceName");
        this.captureArgs = audited.captureArgs();
        this.captureResult = audited.captureResult() && method.getReturnType() != void.class;
        int n = method.getParameterCount();
        this.parameterNames = new String[n];
        this.ignored = new boolean[n];
        this.sensitive = new boolean[n];
        String[] names = AuditExpression.PARAMETER_NAMES.getParameterNames(method);
        // AnnotatedMethod also finds parameter annotations declared on interface methods
        MethodParameter[] parameters = new AnnotatedMethod(method).getMethodParameters();
        for (int i = 0; i < n; i++) {
            parameterNames[i] = names != null ? names[i] : "arg" + i;
            ignored[i] = parameters[i].hasParameterAnnotation(AuditIgnore.class);
            sensitive[i] = parameters[i].hasParameterAnnotation(Sensitive.class);
        }
    }

    /**
     * Returns the plan of a method annotated (directly, or on a method it overrides or implements) with
     * {@code audited}.
     *
     * @throws IllegalArgumentException if an expression is invalid for the method
     */
    public static AuditedPlan of(Method method, Audited audited) {
        return new AuditedPlan(method, audited, method.getDeclaringClass().getSimpleName() + "." + method.getName());
    }

    /** Like {@link #of}, with another default event name. */
    public static AuditedPlan of(Method method, Audited audited, String defaultName) {
        return new AuditedPlan(method, audited, defaultName);
    }

    /** Returns the arguments by parameter name, without ignored ones and with sensitive ones redacted. */
    Map<String, @Nullable Object> parameters(@Nullable Object[] args) {
        Map<String, @Nullable Object> out = new LinkedHashMap<>();
        for (int i = 0; i < args.length && i < parameterNames.length; i++) {
            if (!ignored[i]) {
                out.put(parameterNames[i], sensitive[i] ? REDACTED : args[i]);
            }
        }
        return out;
    }

    /** Fills the resource of an event from the expressions; never throws. */
    public void resources(
            AuditEvent.Builder b,
            @Nullable Object[] args,
            @Nullable Object target,
            @Nullable Object result,
            boolean hasResult) {
        if (resourceType != null && (hasResult || !resourceType.usesResult())) {
            b.resourceType(resourceType.evaluate(method, args, target, result));
        }
        if (resourceName != null && (hasResult || !resourceName.usesResult())) {
            b.resourceName(resourceName.evaluate(method, args, target, result));
        }
    }
}
