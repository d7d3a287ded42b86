package io.actiontrail.capture;

import org.jspecify.annotations.Nullable;

/** A parsed {@code @Audited} resource expression. Implementations must be immutable and thread-safe. */
public interface ResourceExpression {

    /** Whether the expression reads the return value, so that it has no value when the call failed. */
    boolean usesResult();

    /**
     * Evaluates the expression over one call. Never throws: a {@code null} on the way yields {@code null}, a failing
     * step a visible placeholder such as {@code <#order.id failed: IllegalStateException>}.
     */
    @Nullable
    String evaluate(Invocation invocation);
}
