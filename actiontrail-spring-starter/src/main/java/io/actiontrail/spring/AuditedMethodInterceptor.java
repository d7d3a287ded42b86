package io.actiontrail.spring;

import io.actiontrail.ActionTrail;
import io.actiontrail.AuditContext;
import io.actiontrail.AuditEvent;
import io.actiontrail.Audited;
import io.actiontrail.UserIdentity;
import java.lang.reflect.Method;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.aopalliance.intercept.MethodInterceptor;
import org.aopalliance.intercept.MethodInvocation;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.aop.support.AopUtils;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.core.annotation.AnnotatedElementUtils;

/**
 * Records one event for every call of an {@link Audited} bean method; the method's own result or exception passes
 * through unchanged and recording never throws. Thread-safe.
 */
final class AuditedMethodInterceptor implements MethodInterceptor {

    private static final Logger log = LoggerFactory.getLogger(AuditedMethodInterceptor.class);

    private final ObjectProvider<ActionTrail> actionTrail;
    private final ObjectProvider<AuditIdentityProvider> identities;
    private final Clock clock;
    private final Map<Method, AuditedPlan> plans = new ConcurrentHashMap<>();
    private volatile @Nullable ActionTrail resolved;

    AuditedMethodInterceptor(
            ObjectProvider<ActionTrail> actionTrail, ObjectProvider<AuditIdentityProvider> identities, Clock clock) {
        this.actionTrail = actionTrail;
        this.identities = identities;
        this.clock = clock;
    }

    /**
     * Returns the plan of a method, or {@code null} when it is not audited.
     *
     * @throws IllegalArgumentException if its {@code @Audited} is invalid
     */
    @Nullable
    AuditedPlan plan(Method method) {
        AuditedPlan plan = plans.get(method);
        if (plan != null) {
            return plan;
        }
        Audited audited = AnnotatedElementUtils.findMergedAnnotation(method, Audited.class);
        if (audited == null) {
            return null;
        }
        plan = AuditedPlan.of(method, audited);
        plans.put(method, plan);
        return plan;
    }

    @Override
    public @Nullable Object invoke(MethodInvocation invocation) throws Throwable {
        Object target = invocation.getThis();
        Method method = target == null
                ? invocation.getMethod()
                : AopUtils.getMostSpecificMethod(invocation.getMethod(), AopUtils.getTargetClass(target));
        AuditedPlan plan;
        try {
            plan = plan(method);
        } catch (RuntimeException e) {
            plan = null; // reported at start-up already
        }
        if (plan == null) {
            return invocation.proceed();
        }
        Instant start = clock.instant();
        long t0 = System.nanoTime();
        Object result = null;
        Throwable failure = null;
        try {
            result = invocation.proceed();
            return result;
        } catch (Throwable t) {
            failure = t;
            throw t;
        } finally {
            record(plan, invocation.getArguments(), target, result, failure, start, System.nanoTime() - t0);
        }
    }

    private void record(
            AuditedPlan plan,
            @Nullable Object[] args,
            @Nullable Object target,
            @Nullable Object result,
            @Nullable Throwable failure,
            Instant start,
            long nanos) {
        try {
            ActionTrail trail = actionTrail();
            if (trail == null) {
                return;
            }
            AuditEvent.Builder b = AuditEvent.builder(plan.eventName)
                    .eventTime(start)
                    .eventRW(plan.eventRW)
                    .eventType(plan.eventType)
                    .eventCategory(plan.eventCategory)
                    .durationMs(nanos / 1_000_000);
            plan.resources(b, args, target, result, failure == null);
            if (plan.captureArgs) {
                b.requestParameters(plan.parameters(args));
            }
            if (plan.captureResult && failure == null) {
                b.responseElements(Map.of("result", result == null ? Map.of() : result));
            }
            if (failure != null) {
                b.failure(failure);
            }
            if (AuditContext.current().identity() == null) {
                b.userIdentity(identity());
            }
            trail.record(b.build());
        } catch (RuntimeException | LinkageError e) {
            log.warn("ActionTrail: recording {} failed", plan.eventName, e);
        }
    }

    private @Nullable UserIdentity identity() {
        AuditIdentityProvider provider = identities.getIfAvailable();
        return provider == null ? null : provider.currentIdentity();
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
