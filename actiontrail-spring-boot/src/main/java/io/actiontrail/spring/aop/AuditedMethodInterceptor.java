package io.actiontrail.spring.aop;

import io.actiontrail.ActionTrail;
import io.actiontrail.AuditContext;
import io.actiontrail.AuditEvent;
import io.actiontrail.Audited;
import io.actiontrail.UserIdentity;
import io.actiontrail.capture.AuditedMethod;
import io.actiontrail.capture.CallRecorder;
import io.actiontrail.capture.Invocation;
import io.actiontrail.spring.AuditIdentityProvider;
import io.actiontrail.spring.AuditedMethods;
import java.lang.reflect.Method;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.aopalliance.intercept.MethodInterceptor;
import org.aopalliance.intercept.MethodInvocation;
import org.jspecify.annotations.Nullable;
import org.springframework.aop.support.AopUtils;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.core.MethodClassKey;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.util.ClassUtils;

/**
 * Records one event for every call of an {@link Audited} bean method; the method's own result or exception passes
 * through unchanged and recording never throws. Thread-safe.
 *
 * <p>What a call needs is prepared once per method and target class, as Spring's own method caches do: the most
 * specific method, its {@link AuditedMethod} (names, parsed expressions, which parameters are left out or redacted).
 * The {@link ActionTrail} is looked up on audited calls until it is found, then kept; the {@link AuditIdentityProvider}
 * is looked up on the first call that needs one and kept, its absence too (a provider registered after that call is
 * not seen), and asked for the identity on every call.
 */
final class AuditedMethodInterceptor implements MethodInterceptor {

    /** Whether spring-tx is on the classpath: then a call inside a transaction is recorded when it ends. */
    private static final boolean TRANSACTIONS = ClassUtils.isPresent(
            "org.springframework.transaction.support.TransactionSynchronizationManager",
            AuditedMethodInterceptor.class.getClassLoader());

    /**
     * Whether Reactor is on the classpath: then a call returning a {@code Mono} or {@code Flux} is recorded when it ends.
     * Checked here, by name: {@link ReactiveCalls} itself cannot be loaded without Reactor.
     */
    private static final boolean REACTIVE =
            ClassUtils.isPresent("reactor.core.publisher.Mono", AuditedMethodInterceptor.class.getClassLoader());

    /**
     * The most call sites kept; past it, a call site is prepared again on each call rather than let the cache grow
     * without end (class generation at run time could otherwise make it do so).
     */
    static final int MAX_CALL_SITES = 4096;

    /** Stands for "no provider" in {@link #identityProvider}, once looked up. */
    private static final AuditIdentityProvider NO_PROVIDER = () -> null;

    /** Stands for "not audited" in {@link #callSites}, which cannot hold {@code null}. */
    private static final CallSite NOT_AUDITED = new CallSite(null);

    private final ObjectProvider<ActionTrail> actionTrail;
    private final ObjectProvider<AuditIdentityProvider> identities;
    private final Map<Method, AuditedMethod> plans = new ConcurrentHashMap<>();
    private final Map<MethodClassKey, CallSite> callSites = new ConcurrentHashMap<>(256);
    private final int maxCallSites;
    private volatile @Nullable ActionTrail resolved;
    private volatile @Nullable AuditIdentityProvider identityProvider;

    /** What one (method, target class) records; {@code plan} is {@code null} when the method is not audited. */
    private record CallSite(@Nullable AuditedMethod plan) {}

    AuditedMethodInterceptor(
            ObjectProvider<ActionTrail> actionTrail, ObjectProvider<AuditIdentityProvider> identities) {
        this(actionTrail, identities, MAX_CALL_SITES);
    }

    /** Like the other constructor, keeping at most {@code maxCallSites} call sites. */
    AuditedMethodInterceptor(
            ObjectProvider<ActionTrail> actionTrail,
            ObjectProvider<AuditIdentityProvider> identities,
            int maxCallSites) {
        if (maxCallSites < 0) {
            throw new IllegalArgumentException("maxCallSites must not be negative: " + maxCallSites);
        }
        this.actionTrail = actionTrail;
        this.identities = identities;
        this.maxCallSites = maxCallSites;
    }

    /**
     * Returns the plan of a method, or {@code null} when it is not audited.
     *
     * @throws IllegalArgumentException if its {@code @Audited} is invalid
     */
    @Nullable
    AuditedMethod plan(Method method) {
        AuditedMethod plan = plans.get(method);
        if (plan != null) {
            return plan;
        }
        Audited audited = AnnotatedElementUtils.findMergedAnnotation(method, Audited.class);
        if (audited == null) {
            return null;
        }
        plan = AuditedMethods.of(method, audited);
        plans.put(method, plan);
        return plan;
    }

    /**
     * Returns the plan of a call of {@code method} on an instance of {@code targetClass}: the plan of the most
     * specific method, which differs between two classes implementing the same interface method. {@code null} when
     * that method is not audited, or its {@code @Audited} is invalid (which fails the start-up already).
     */
    @Nullable
    AuditedMethod plan(Method method, @Nullable Class<?> targetClass) {
        MethodClassKey key = new MethodClassKey(method, targetClass);
        CallSite site = callSites.get(key);
        if (site == null) {
            site = prepare(method, targetClass);
            if (callSites.size() < maxCallSites) {
                callSites.putIfAbsent(key, site);
            }
        }
        return site.plan();
    }

    /** Returns the number of call sites kept. */
    int callSites() {
        return callSites.size();
    }

    private CallSite prepare(Method method, @Nullable Class<?> targetClass) {
        Method specific = targetClass == null ? method : AopUtils.getMostSpecificMethod(method, targetClass);
        AuditedMethod plan;
        try {
            plan = plan(specific);
        } catch (RuntimeException e) {
            plan = null; // reported at start-up already
        }
        return plan == null ? NOT_AUDITED : new CallSite(plan);
    }

    @Override
    public @Nullable Object invoke(MethodInvocation invocation) throws Throwable {
        Object target = invocation.getThis();
        AuditedMethod plan = plan(invocation.getMethod(), target == null ? null : AopUtils.getTargetClass(target));
        ActionTrail trail = plan == null ? null : actionTrail();
        if (plan == null || trail == null) {
            return invocation.proceed();
        }
        CallRecorder calls = trail.callRecorder();
        Instant start = calls.now();
        long t0 = System.nanoTime();
        Object result;
        try {
            result = invocation.proceed();
        } catch (Throwable t) {
            record(
                    trail,
                    plan,
                    new Invocation(
                            plan.method(), target, invocation.getArguments(), null, t, start, System.nanoTime() - t0));
            throw t;
        }
        if (REACTIVE && result != null && ReactiveCalls.isReactive(result)) {
            // the call is what the subscription does: recorded when the result ends, timed from the subscription
            Object[] arguments = invocation.getArguments();
            return ReactiveCalls.deferred(result, (value, failure, startNanos) -> {
                long elapsed = System.nanoTime() - startNanos;
                calls.record(
                        plan,
                        new Invocation(
                                plan.method(),
                                target,
                                arguments,
                                value,
                                failure,
                                calls.now().minusNanos(elapsed),
                                elapsed),
                        this::addIdentity);
            });
        }
        record(
                trail,
                plan,
                new Invocation(
                        plan.method(), target, invocation.getArguments(), result, null, start, System.nanoTime() - t0));
        return result;
    }

    /** Records the call now, or when its transaction ends; never throws (a failure to build it is counted). */
    private void record(ActionTrail trail, AuditedMethod plan, Invocation call) {
        CallRecorder calls = trail.callRecorder();
        if (!TRANSACTIONS || !TransactionEnds.deferred(trail, calls, plan, call, this::addIdentity)) {
            calls.record(plan, call, this::addIdentity);
        }
    }

    /** The caller's identity from the provider, for a call made outside any audit context that knows it. */
    private void addIdentity(AuditEvent.Builder event) {
        if (AuditContext.current().identity() == null) {
            event.userIdentity(identity());
        }
    }

    private @Nullable UserIdentity identity() {
        AuditIdentityProvider provider = identityProvider;
        if (provider == null) {
            AuditIdentityProvider available = identities.getIfAvailable();
            provider = available == null ? NO_PROVIDER : available;
            identityProvider = provider;
        }
        return provider.currentIdentity();
    }

    private @Nullable ActionTrail actionTrail() {
        ActionTrail current = resolved;
        if (current == null) {
            current = actionTrail.getIfAvailable();
            resolved = current;
        }
        return current;
    }
}
