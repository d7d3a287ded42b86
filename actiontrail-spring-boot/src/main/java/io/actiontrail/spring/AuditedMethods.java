package io.actiontrail.spring;

import io.actiontrail.Audited;
import io.actiontrail.capture.AuditedMethod;
import io.actiontrail.capture.ExpressionLanguage;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
import org.springframework.core.DefaultParameterNameDiscoverer;
import org.springframework.core.MethodParameter;
import org.springframework.core.ParameterNameDiscoverer;
import org.springframework.core.annotation.AnnotatedMethod;

/**
 * The {@link AuditedMethod} plans of Spring beans' methods: parameter names from Spring's discoverer,
 * {@code @AuditIgnore} and {@code @Sensitive} found on the method or on an interface method it implements, and
 * resource expressions in the Spring Expression Language ({@link #SPEL}). Used by the {@code @Audited} advisor and the
 * controller capture alike. Stateless and thread-safe.
 */
public final class AuditedMethods {

    /**
     * {@code @Audited} expressions in the Spring Expression Language: a literal when it does not start with {@code #},
     * else SpEL over the call, with the parameters by name ({@code #order.id}) or position ({@code #p0}, {@code #a0},
     * {@code #args[0]}), the return value ({@code #result.id}) and {@code #root} ({@code methodName}, {@code method},
     * {@code args}, {@code target}, {@code targetClass}). Checked once per method; evaluation never throws.
     */
    public static final ExpressionLanguage SPEL = AuditSpelExpression::parse;

    static final ParameterNameDiscoverer PARAMETER_NAMES = new DefaultParameterNameDiscoverer();

    private AuditedMethods() {}

    /**
     * Returns the plan of a bean method annotated with {@code audited}.
     *
     * @throws IllegalArgumentException if the annotation is invalid for the method; the message names the method
     */
    public static AuditedMethod of(Method method, Audited audited, String defaultEventName) {
        AuditedMethod.Builder plan = AuditedMethod.builder(method, audited)
                .defaultEventName(defaultEventName)
                .expressions(SPEL);
        String[] names = PARAMETER_NAMES.getParameterNames(method);
        if (names != null) {
            plan.parameterNames(List.of(names));
        }
        // AnnotatedMethod also finds the parameter annotations declared on interface methods
        MethodParameter[] parameters = new AnnotatedMethod(method).getMethodParameters();
        List<java.lang.annotation.Annotation[]> annotations = new ArrayList<>(parameters.length);
        for (MethodParameter parameter : parameters) {
            annotations.add(parameter.getParameterAnnotations());
        }
        return plan.parameterAnnotations(annotations.toArray(new java.lang.annotation.Annotation[0][]))
                .build();
    }

    /** Like {@link #of(Method, Audited, String)} with the default event name {@code SimpleClassName.method}. */
    public static AuditedMethod of(Method method, Audited audited) {
        return of(method, audited, method.getDeclaringClass().getSimpleName() + "." + method.getName());
    }
}
