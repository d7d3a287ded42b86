package io.actiontrail.sink;

import java.time.Duration;
import java.util.Collection;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * A sink could not deliver a batch. A <em>retryable</em> failure (the destination is down, slow, throttling, or
 * misconfigured in a way an operator can fix) keeps the batch and retries it with backoff until it succeeds; a
 * <em>permanent</em> failure (the destination rejects this content and always will) drops the batch, counted and
 * reported. When in doubt, a sink should say retryable. A retryable failure may say how long the destination asked
 * to be left alone ({@link #withRetryAfter}, from an HTTP {@code Retry-After} header for example); the pipeline then
 * waits at least that long before the next attempt.
 *
 * <p>A batch delivered in part says so: {@link #withDelivered} names the events the destination took, and
 * {@link #withRefused} the ones it refuses for their content and always will. The pipeline then counts those as
 * delivered or dropped, event by event, and what it tries again (a retryable failure) or drops (a permanent one) is
 * only the rest. A sink therefore keeps no state between two attempts at a batch.
 *
 * <p>Immutable once thrown; safe to share across threads.
 */
public final class DeliveryException extends Exception {

    private static final long serialVersionUID = 1L;

    private final boolean retryable;
    private final @Nullable String errorCode;
    private final @Nullable Duration retryAfter;

    @SuppressWarnings("serial") // immutable sets of strings, serializable in practice
    private final Set<String> delivered;

    @SuppressWarnings("serial") // immutable sets of strings, serializable in practice
    private final Set<String> refused;

    private DeliveryException(
            String message,
            @Nullable Throwable cause,
            boolean retryable,
            @Nullable String errorCode,
            @Nullable Duration retryAfter,
            Set<String> delivered,
            Set<String> refused) {
        super(message, cause);
        this.retryable = retryable;
        this.errorCode = errorCode;
        this.retryAfter = retryAfter;
        this.delivered = delivered;
        this.refused = refused;
    }

    /** Returns a failure after which the same batch should be tried again. */
    public static DeliveryException retryable(String message) {
        return new DeliveryException(message, null, true, null, null, Set.of(), Set.of());
    }

    /** Returns a failure after which the same batch should be tried again. */
    public static DeliveryException retryable(String message, @Nullable Throwable cause) {
        return new DeliveryException(message, cause, true, null, null, Set.of(), Set.of());
    }

    /** Returns a failure after which the batch is dropped, counted and reported. */
    public static DeliveryException permanent(String message) {
        return new DeliveryException(message, null, false, null, null, Set.of(), Set.of());
    }

    /** Returns a failure after which the batch is dropped, counted and reported. */
    public static DeliveryException permanent(String message, @Nullable Throwable cause) {
        return new DeliveryException(message, cause, false, null, null, Set.of(), Set.of());
    }

    /** Returns a copy of this failure carrying the destination's error code, for example {@code AccessDenied}. */
    public DeliveryException withErrorCode(@Nullable String errorCode) {
        return copy(retryable, errorCode, retryAfter, delivered, refused);
    }

    /**
     * Returns a copy of this retryable failure saying that the destination asked not to be called again for
     * {@code retryAfter}; the pipeline waits at least that long (and at least its own backoff) before the next attempt.
     *
     * @throws IllegalArgumentException if {@code retryAfter} is negative
     * @throws IllegalStateException if this failure is permanent
     */
    public DeliveryException withRetryAfter(Duration retryAfter) {
        Objects.requireNonNull(retryAfter, "retryAfter");
        if (retryAfter.isNegative()) {
            throw new IllegalArgumentException("retryAfter must not be negative: " + retryAfter);
        }
        if (!retryable) {
            throw new IllegalStateException("a permanent failure is not retried, so it has no retryAfter");
        }
        return copy(true, errorCode, retryAfter, delivered, refused);
    }

    /**
     * Returns a copy of this failure saying that the destination took these events of the batch: the pipeline counts
     * them as delivered and never sends them again. Ids that are not in the batch are ignored.
     */
    public DeliveryException withDelivered(Collection<String> eventIds) {
        return copy(retryable, errorCode, retryAfter, Set.copyOf(eventIds), refused);
    }

    /**
     * Returns a copy of this failure saying that the destination refuses these events of the batch for their content
     * and always will: the pipeline drops them, counted and reported one by one, and never sends them again. Ids that
     * are not in the batch are ignored.
     */
    public DeliveryException withRefused(Collection<String> eventIds) {
        return copy(retryable, errorCode, retryAfter, delivered, Set.copyOf(eventIds));
    }

    private DeliveryException copy(
            boolean retryable,
            @Nullable String errorCode,
            @Nullable Duration retryAfter,
            Set<String> delivered,
            Set<String> refused) {
        DeliveryException copy = new DeliveryException(
                String.valueOf(getMessage()), getCause(), retryable, errorCode, retryAfter, delivered, refused);
        copy.setStackTrace(getStackTrace());
        return copy;
    }

    /** Returns whether the batch should be tried again. */
    public boolean isRetryable() {
        return retryable;
    }

    /** Returns the destination's error code, when it gave one. */
    public @Nullable String errorCode() {
        return errorCode;
    }

    /** Returns how long the destination asked to wait before the next attempt, when it said so. */
    public @Nullable Duration retryAfter() {
        return retryAfter;
    }

    /** Returns the ids of the events of the batch that the destination took before it failed; often empty. */
    public Set<String> delivered() {
        return delivered;
    }

    /** Returns the ids of the events of the batch that the destination refuses for their content; often empty. */
    public Set<String> refused() {
        return refused;
    }
}
