package io.actiontrail.sink;

import java.time.Duration;
import java.util.Objects;

/**
 * How a sink wants events grouped: a batch is sent when it holds {@code maxEvents} events or {@code maxBytes} bytes
 * of JSON, or when its oldest event has waited {@code linger}, whichever comes first.
 *
 * <p>Immutable and thread-safe.
 *
 * @param maxEvents the most events in one batch
 * @param maxBytes the most bytes of encoded JSON in one batch; a single larger event is still sent, alone
 * @param linger how long the first event of a batch may wait for more
 */
public record Batching(int maxEvents, long maxBytes, Duration linger) {

    /** The default: 1,000 events, 4 MiB or 100 ms. */
    public static final Batching DEFAULT = new Batching(1000, 4L * 1024 * 1024, Duration.ofMillis(100));

    /** Validates the values. */
    public Batching {
        if (maxEvents <= 0) {
            throw new IllegalArgumentException("maxEvents must be positive: " + maxEvents);
        }
        if (maxBytes <= 0) {
            throw new IllegalArgumentException("maxBytes must be positive: " + maxBytes);
        }
        Objects.requireNonNull(linger, "linger");
        if (linger.isNegative()) {
            throw new IllegalArgumentException("linger must not be negative: " + linger);
        }
    }

    /** Returns a copy with another event limit. */
    public Batching withMaxEvents(int maxEvents) {
        return new Batching(maxEvents, maxBytes, linger);
    }

    /** Returns a copy with another byte limit. */
    public Batching withMaxBytes(long maxBytes) {
        return new Batching(maxEvents, maxBytes, linger);
    }

    /** Returns a copy with another linger. */
    public Batching withLinger(Duration linger) {
        return new Batching(maxEvents, maxBytes, linger);
    }
}
