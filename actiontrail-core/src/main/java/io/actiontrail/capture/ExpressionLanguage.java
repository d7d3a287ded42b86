package io.actiontrail.capture;

import java.lang.reflect.Method;
import org.jspecify.annotations.Nullable;

/**
 * Parses the {@code resourceType} and {@code resourceName} expressions of {@code @Audited} for one method, once, when
 * its {@link AuditedMethod} is built. Implementations must be thread-safe.
 */
@FunctionalInterface
public interface ExpressionLanguage {

    /**
     * Returns core's expressions: a literal, or a path over the call starting at a parameter by name ({@code #order}),
     * by position ({@code #p0}, {@code #a0}, {@code #args[0]}) or at the return value ({@code #result}), followed by
     * {@code .property} and {@code [index]} steps; a step that meets {@code null} yields no value.
     */
    static ExpressionLanguage standard() {
        return StandardExpression::parse;
    }

    /**
     * Parses {@code source}, the {@code attribute} ({@code "resourceType"} or {@code "resourceName"}) of the
     * {@code @Audited} on {@code method}; returns {@code null} for an empty source.
     *
     * @throws IllegalArgumentException if the expression is malformed or does not fit the method; the message names
     *     the method, the expression and what is wrong
     */
    @Nullable
    ResourceExpression parse(String source, Method method, String attribute);
}
