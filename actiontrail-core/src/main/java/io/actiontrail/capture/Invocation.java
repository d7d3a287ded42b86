package io.actiontrail.capture;

import java.lang.reflect.Method;
import java.time.Instant;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One finished call of an audited method, as an integration saw it. The arguments array is the call's own, not a
 * copy: it is read once, while the event is built, on the caller's thread; an invocation is thread-safe as far as
 * nothing changes that array meanwhile.
 *
 * @param method the method called (the one the plan was built for, or an override of it)
 * @param target the object called, {@code null} for a static method or when it is not known
 * @param arguments the arguments, in parameter order; never {@code null} (an absent array becomes an empty one)
 * @param result the return value; {@code null} for a void method, a {@code null} result or a failed call
 * @param failure what the call threw, {@code null} when it returned
 * @param start when the call started
 * @param elapsedNanos how long the call took, in nanoseconds
 */
@SuppressWarnings("ArrayRecordComponent") // the caller's arguments, read in place; invocations are never compared
public record Invocation(
        Method method,
        @Nullable Object target,
        @Nullable Object[] arguments,
        @Nullable Object result,
        @Nullable Throwable failure,
        Instant start,
        long elapsedNanos) {

    private static final Object[] NO_ARGUMENTS = {};

    /** Checks the components; a {@code null} arguments array becomes an empty one. */
    public Invocation {
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(start, "start");
        if (arguments == null) {
            arguments = NO_ARGUMENTS;
        }
    }

    /** Whether the call returned rather than threw. */
    public boolean succeeded() {
        return failure == null;
    }
}
