package io.actiontrail.sink;

import org.jspecify.annotations.Nullable;

/**
 * A sink could not deliver a batch. A <em>retryable</em> failure (the destination is down, slow, throttling, or
 * misconfigured in a way an operator can fix) keeps the batch and retries it with backoff until it succeeds; a
 * <em>permanent</em> failure (the destination rejects this content and always will) drops the batch, counted and
 * reported. When in doubt, a sink should say retryable.
 *
 * <p>Immutable once thrown; safe to share across threads.
 */
public final class DeliveryException extends Exception {

    private static final long serialVersionUID = 1L;

    private final boolean retryable;
    private final @Nullable String errorCode;

    private DeliveryException(
            String message, @Nullable Throwable cause, boolean retryable, @Nullable String errorCode) {
        super(message, cause);
        this.retryable = retryable;
        this.errorCode = errorCode;
    }

    /** Returns a failure after which the same batch should be tried again. */
    public static DeliveryException retryable(String message) {
        return new DeliveryException(message, null, true, null);
    }

    /** Returns a failure after which the same batch should be tried again. */
    public static DeliveryException retryable(String message, @Nullable Throwable cause) {
        return new DeliveryException(message, cause, true, null);
    }

    /** Returns a failure after which the batch is dropped, counted and reported. */
    public static DeliveryException permanent(String message) {
        return new DeliveryException(message, null, false, null);
    }

    /** Returns a failure after which the batch is dropped, counted and reported. */
    public static DeliveryException permanent(String message, @Nullable Throwable cause) {
        return new DeliveryException(message, cause, false, null);
    }

    /** Returns a copy of this failure carrying the destination's error code, for example {@code AccessDenied}. */
    public DeliveryException withErrorCode(@Nullable String errorCode) {
        DeliveryException copy = new DeliveryException(String.valueOf(getMessage()), getCause(), retryable, errorCode);
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
}
