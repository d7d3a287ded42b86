package io.actiontrail.sink;

import java.time.Duration;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A sink could not deliver a batch. A <em>retryable</em> failure (the destination is down, slow, throttling, or
 * misconfigured in a way an operator can fix) keeps the batch and retries it with backoff until it succeeds; a
 * <em>permanent</em> failure (the destination rejects this content and always will) drops the batch, counted and
 * reported. When in doubt, a sink should say retryable. A retryable failure may say how long the destination asked
 * to be left alone ({@link #withRetryAfter}, from an HTTP {@code Retry-After} header for example); the pipeline then
 * waits at least that long before the next attempt.
 *
 * <p>Immutable once thrown; safe to share across threads.
 */
public final class DeliveryException extends Exception {

    private static final long serialVersionUID = 1L;

    private final boolean retryable;
    private final @Nullable String errorCode;
    private final @Nullable Duration retryAfter;

    private DeliveryException(
            String message,
            @Nullable Throwable cause,
            boolean retryable,
            @Nullable String errorCode,
            @Nullable Duration retryAfter) {
        super(message, cause);
        this.retryable = retryable;
        this.errorCode = errorCode;
        this.retryAfter = retryAfter;
    }

    /** Returns a failure after which the same batch should be tried again. */
    public static DeliveryException retryable(String message) {
        return new DeliveryException(message, null, true, null, null);
    }

    /** Returns a failure after which the same batch should be tried again. */
    public static DeliveryException retryable(String message, @Nullable Throwable cause) {
        return new DeliveryException(message, cause, true, null, null);
    }

    /** Returns a failure after which the batch is dropped, counted and reported. */
    public static DeliveryException permanent(String message) {
        return new DeliveryException(message, null, false, null, null);
    }

    /** Returns a failure after which the batch is dropped, counted and reported. */
    public static DeliveryException permanent(String message, @Nullable Throwable cause) {
        return new DeliveryException(message, cause, false, null, null);
    }

    /** Returns a copy of this failure carrying the destination's error code, for example {@code AccessDenied}. */
    public DeliveryException withErrorCode(@Nullable String errorCode) {
        DeliveryException copy =
                new DeliveryException(String.valueOf(getMessage()), getCause(), retryable, errorCode, retryAfter);
        copy.setStackTrace(getStackTrace());
        return copy;
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
        DeliveryException copy =
                new DeliveryException(String.valueOf(getMessage()), getCause(), true, errorCode, retryAfter);
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
}
