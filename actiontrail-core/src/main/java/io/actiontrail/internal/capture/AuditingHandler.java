package io.actiontrail.internal.capture;

import io.actiontrail.AuditIgnore;
import io.actiontrail.Audited;
import io.actiontrail.EventCategory;
import io.actiontrail.EventRW;
import io.actiontrail.EventType;
import io.actiontrail.Sensitive;
import io.actiontrail.internal.InternalApi;
import io.actiontrail.internal.codec.JsonTree;
import java.lang.annotation.Annotation;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The invocation handler behind {@code ActionTrail.proxy}: calls the target and records an event for each call of
 * an {@link Audited} method. The target's exception is rethrown unchanged; recording never throws. Thread-safe.
 */
@InternalApi
public final class AuditingHandler implements InvocationHandler {

    private final CallCapture calls;
    private final Object target;
    private final Map<Method, Plan> plans;

    /** What to record for one audited method, prepared once. Immutable and thread-safe. */
    @SuppressWarnings("ArrayRecordComponent") // internal, built once per method, never compared
    public record Plan(
            String eventName,
            EventRW eventRW,
            @Nullable EventType eventType,
            EventCategory eventCategory,
            @Nullable Expression resourceType,
            @Nullable Expression resourceName,
            boolean captureArgs,
            boolean captureResult,
            String[] parameterNames,
            boolean[] ignored,
            boolean[] sensitive) {}

    private AuditingHandler(CallCapture calls, Object target, Map<Method, Plan> plans) {
        this.calls = calls;
        this.target = target;
        this.plans = plans;
    }

    public static AuditingHandler create(CallCapture calls, Class<?> type, Object target) {
        Map<Method, Plan> plans = new HashMap<>();
        for (Method method : type.getMethods()) {
            trySetAccessible(method); // pass-through calls too, for interfaces that are not public
            Audited audited = method.getAnnotation(Audited.class);
            Method implementation = implementation(target.getClass(), method);
            if (audited == null && implementation != null) {
                audited = implementation.getAnnotation(Audited.class);
            }
            if (audited != null) {
                plans.put(method, plan(type, method, implementation, audited));
            }
        }
        return new AuditingHandler(calls, target, Map.copyOf(plans));
    }

    private static @Nullable Method implementation(Class<?> targetClass, Method method) {
        try {
            return targetClass.getMethod(method.getName(), method.getParameterTypes());
        } catch (NoSuchMethodException | SecurityException e) {
            return null;
        }
    }

    private static Plan plan(Class<?> type, Method method, @Nullable Method implementation, Audited audited) {
        if (audited.eventType().length > 1) {
            throw new IllegalArgumentException(
                    "@Audited on " + type.getSimpleName() + "." + method.getName() + " gives more than one eventType");
        }
        int n = method.getParameterCount();
        String[] names = new String[n];
        boolean[] ignored = new boolean[n];
        boolean[] sensitive = new boolean[n];
        Annotation[][] annotations = method.getParameterAnnotations();
        Annotation[][] implAnnotations =
                implementation == null ? new Annotation[n][0] : implementation.getParameterAnnotations();
        java.lang.reflect.Parameter[] parameters = method.getParameters();
        for (int i = 0; i < n; i++) {
            names[i] = parameters[i].getName();
            ignored[i] = has(annotations[i], AuditIgnore.class) || has(implAnnotations[i], AuditIgnore.class);
            sensitive[i] = has(annotations[i], Sensitive.class) || has(implAnnotations[i], Sensitive.class);
        }
        String eventName =
                audited.eventName().isBlank() ? type.getSimpleName() + "." + method.getName() : audited.eventName();
        Expression resourceType = Expression.parse(audited.resourceType(), method);
        Expression resourceName = Expression.parse(audited.resourceName(), method);
        trySetAccessible(method);
        return new Plan(
                eventName,
                audited.eventRW(),
                audited.eventType().length == 0 ? null : audited.eventType()[0],
                audited.eventCategory(),
                resourceType,
                resourceName,
                audited.captureArgs(),
                audited.captureResult() && method.getReturnType() != void.class,
                names,
                ignored,
                sensitive);
    }

    private static boolean has(Annotation[] annotations, Class<? extends Annotation> type) {
        for (Annotation a : annotations) {
            if (a.annotationType() == type) {
                return true;
            }
        }
        return false;
    }

    private static void trySetAccessible(Method method) {
        try {
            method.setAccessible(true);
        } catch (RuntimeException e) {
            // public interface methods are callable without it
        }
    }

    @Override
    public @Nullable Object invoke(Object proxy, Method method, @Nullable Object @Nullable [] args) throws Throwable {
        if (method.getDeclaringClass() == Object.class) {
            return objectMethod(proxy, method, args);
        }
        Plan plan = plans.get(method);
        if (plan == null) {
            return call(method, args);
        }
        Instant start = calls.now();
        long startNanos = System.nanoTime();
        Object result = null;
        Throwable failure = null;
        try {
            result = call(method, args);
            return result;
        } catch (Throwable t) {
            failure = t;
            throw t;
        } finally {
            calls.recordCall(
                    plan, args == null ? new Object[0] : args, result, failure, start, System.nanoTime() - startNanos);
        }
    }

    private @Nullable Object call(Method method, @Nullable Object @Nullable [] args) throws Throwable {
        try {
            return method.invoke(target, args);
        } catch (IllegalAccessException e) {
            // A non-public interface: the proxy reaches it, reflection from this package needs to be let in. The
            // proxy hands over the same Method object on every call, so this happens once per method.
            if (!method.trySetAccessible()) {
                throw e;
            }
            return call(method, args);
        } catch (InvocationTargetException e) {
            Throwable cause = e.getCause();
            throw cause == null ? e : cause;
        }
    }

    private @Nullable Object objectMethod(Object proxy, Method method, @Nullable Object @Nullable [] args) {
        return switch (method.getName()) {
            case "equals" -> args != null && args.length == 1 && proxy == args[0];
            case "hashCode" -> System.identityHashCode(proxy);
            case "toString" -> "ActionTrail proxy of " + target;
            default -> throw new UnsupportedOperationException(method.getName());
        };
    }

    /** Builds the request parameters of a call: each captured argument under its parameter name. */
    public static Map<String, @Nullable Object> parameters(
            Plan plan, @Nullable Object[] args, Snapshotter snapshotter) {
        LinkedHashMap<String, @Nullable Object> out = new LinkedHashMap<>();
        for (int i = 0; i < args.length && i < plan.parameterNames().length; i++) {
            if (plan.ignored()[i]) {
                continue;
            }
            String name = plan.parameterNames()[i];
            out.put(name, plan.sensitive()[i] ? Snapshotter.REDACTED : snapshotter.snapshotNamed(name, args[i]));
        }
        return JsonTree.adoptRedacted(out, snapshotter.redaction());
    }
}
