package io.actiontrail.spring.aop;

import io.actiontrail.Audited;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import org.aopalliance.aop.Advice;
import org.springframework.aop.Pointcut;
import org.springframework.aop.support.AbstractPointcutAdvisor;
import org.springframework.aop.support.AopUtils;
import org.springframework.aop.support.StaticMethodMatcherPointcut;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.stereotype.Controller;

/**
 * Applies {@link AuditedMethodInterceptor} to every bean method annotated {@link Audited}, on the class or on an
 * interface it implements. Controller handlers are left to the controller capture when that is on. An invalid
 * {@code @Audited} fails the creation of its bean. Thread-safe.
 */
final class AuditedAdvisor extends AbstractPointcutAdvisor {

    private static final long serialVersionUID = 1L;

    private final transient AuditedMethodInterceptor interceptor;
    private final transient Pointcut pointcut;

    AuditedAdvisor(AuditedMethodInterceptor interceptor, boolean controllersCapturedElsewhere) {
        this.interceptor = interceptor;
        this.pointcut = new StaticMethodMatcherPointcut() {
            @Override
            public boolean matches(Method method, Class<?> targetClass) {
                if (controllersCapturedElsewhere && isController(targetClass)) {
                    return false;
                }
                Method specific = AopUtils.getMostSpecificMethod(method, targetClass);
                if (Modifier.isStatic(specific.getModifiers())) {
                    return false;
                }
                return interceptor.plan(specific) != null; // throws for an invalid @Audited: fail fast
            }
        };
    }

    static boolean isController(Class<?> type) {
        return AnnotatedElementUtils.hasAnnotation(type, Controller.class);
    }

    @Override
    public Pointcut getPointcut() {
        return pointcut;
    }

    @Override
    public Advice getAdvice() {
        return interceptor;
    }
}
