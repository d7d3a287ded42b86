package io.actiontrail.internal.capture;

import io.actiontrail.Audited;
import io.actiontrail.capture.AuditedMethod;
import io.actiontrail.capture.Invocation;
import io.actiontrail.internal.InternalApi;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The invocation handler behind {@code ActionTrail.proxy}: calls the target and records an event for each call of
 * an {@link Audited} method. The target's exception is rethrown unchanged; recording never throws. Thread-safe.
 */
@InternalApi
public final class AuditingHandler implements InvocationHandler {

    private static final Object[] NO_ARGUMENTS = {};

    private final CallCapture calls;
    private final Object target;
    private final Map<Method, AuditedMethod> plans;

    private AuditingHandler(CallCapture calls, Object target, Map<Method, AuditedMethod> plans) {
        this.calls = calls;
        this.target = target;
        this.plans = plans;
    }

    public static AuditingHandler create(CallCapture calls, Class<?> type, Object target) {
        Map<Method, AuditedMethod> plans = new HashMap<>();
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

    private static AuditedMethod plan(Class<?> type, Method method, @Nullable Method implementation, Audited audited) {
        AuditedMethod.Builder plan =
                AuditedMethod.builder(method, audited).defaultEventName(type.getSimpleName() + "." + method.getName());
        if (implementation != null) {
            plan.parameterAnnotations(implementation.getParameterAnnotations());
        }
        trySetAccessible(method);
        return plan.build();
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
        AuditedMethod plan = plans.get(method);
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
            calls.record(
                    plan,
                    new Invocation(
                            method,
                            target,
                            args == null ? NO_ARGUMENTS : args,
                            result,
                            failure,
                            start,
                            System.nanoTime() - startNanos));
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
}
