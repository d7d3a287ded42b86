package io.actiontrail.capture;

import java.lang.reflect.Method;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Parses the {@code resourceType} and {@code resourceName} expressions of {@code @Audited} for one method, once, when
 * its {@link AuditedMethod} is built. Implementations must be thread-safe.
 */
@FunctionalInterface
public interface ExpressionLanguage {

    /**
     * Returns core's expressions: a literal, or a path over the call starting at a parameter by name ({@code #order},
     * one of the plan's {@link AuditedMethod#parameterNames() parameter names}), by position ({@code #p0},
     * {@code #a0}, {@code #args[0]}) or at the return value ({@code #result}), followed by {@code .property} and
     * {@code [index]} steps; a step that meets {@code null} yields no value.
     */
    static ExpressionLanguage standard() {
        return StandardExpression.LANGUAGE;
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

    /**
     * Parses {@code source} like {@link #parse(String, Method, String)}, for a plan that records the arguments under
     * {@code parameterNames} (one per parameter, possibly better than the class file's, see {@link
     * AuditedMethod.Builder#parameterNames(List)}): a language that refers to parameters by name resolves them against
     * these. {@link AuditedMethod} calls this one. The default ignores the names and calls {@link #parse(String,
     * Method, String)}; {@link #standard()} uses them.
     *
     * @throws IllegalArgumentException if the expression is malformed or does not fit the method; the message names
     *     the method, the expression and what is wrong
     */
    default @Nullable ResourceExpression parse(
            String source, Method method, List<String> parameterNames, String attribute) {
        return parse(source, method, attribute);
    }
}
