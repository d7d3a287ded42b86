package io.actiontrail.trail;

import java.time.Duration;
import java.util.Objects;

/**
 * How a failed delivery is retried: exponential backoff from {@code initialBackoff}, multiplied by
 * {@code multiplier} after each failure up to {@code maxBackoff}, each wait varied at random by up to
 * {@code jitter} (a fraction) so that many instances do not retry in step. Retryable failures are retried until
 * the batch is delivered: the backlog waits in the journal, not in memory.
 *
 * <p>Immutable and thread-safe.
 *
 * @param initialBackoff the wait after the first failure
 * @param maxBackoff the longest wait
 * @param multiplier the growth of the wait after each further failure, at least 1
 * @param jitter the fraction by which each wait is varied at random, from 0 to 1
 */
public record RetryPolicy(Duration initialBackoff, Duration maxBackoff, double multiplier, double jitter) {

    /** The default: from 200 ms, doubling, up to 30 s, with 20 % jitter. */
    public static final RetryPolicy DEFAULT = new RetryPolicy(Duration.ofMillis(200), Duration.ofSeconds(30), 2.0, 0.2);

    /** Validates the values. */
    public RetryPolicy {
        Objects.requireNonNull(initialBackoff, "initialBackoff");
        Objects.requireNonNull(maxBackoff, "maxBackoff");
        if (initialBackoff.isNegative() || initialBackoff.isZero()) {
            throw new IllegalArgumentException("initialBackoff must be positive: " + initialBackoff);
        }
        if (maxBackoff.compareTo(initialBackoff) < 0) {
            throw new IllegalArgumentException(
                    "maxBackoff must not be less than initialBackoff: " + maxBackoff + " < " + initialBackoff);
        }
        if (!(multiplier >= 1.0) || Double.isInfinite(multiplier)) {
            throw new IllegalArgumentException("multiplier must be at least 1: " + multiplier);
        }
        if (!(jitter >= 0.0 && jitter <= 1.0)) {
            throw new IllegalArgumentException("jitter must be between 0 and 1: " + jitter);
        }
    }

    /** Returns the wait before retry number {@code attempt} (1 for the first retry), without jitter. */
    public Duration backoff(int attempt) {
        double nanos = initialBackoff.toNanos() * Math.pow(multiplier, Math.max(0, attempt - 1));
        long capped = (long) Math.min(nanos, (double) maxBackoff.toNanos());
        return Duration.ofNanos(capped);
    }

    /** Returns the wait before retry number {@code attempt}, with jitter drawn from {@code random} in [0, 1). */
    public Duration backoff(int attempt, double random) {
        long base = backoff(attempt).toNanos();
        double factor = 1.0 + jitter * (2.0 * random - 1.0);
        return Duration.ofNanos(Math.max(1, (long) (base * factor)));
    }
}
