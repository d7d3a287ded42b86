package io.actiontrail.trail;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A snapshot of a trail's state: whether it is logging, and for each sink what was delivered, what is pending,
 * what was dropped and why, and the latest success and error. Per sink, {@code recorded = delivered + pending +
 * dropped} always holds.
 *
 * <p>Immutable and thread-safe.
 *
 * @param name the trail's name
 * @param isLogging whether the trail is taking new events
 * @param startLoggingTime when the trail last started logging
 * @param stopLoggingTime when the trail last stopped logging
 * @param sinks the status of each sink, in the trail's order
 */
public record TrailStatus(
        String name,
        boolean isLogging,
        @Nullable Instant startLoggingTime,
        @Nullable Instant stopLoggingTime,
        List<SinkStatus> sinks) {

    /** Validates and copies the values. */
    public TrailStatus {
        Objects.requireNonNull(name, "name");
        sinks = List.copyOf(sinks);
    }

    /**
     * Returns the status of the named sink.
     *
     * @throws IllegalArgumentException if the trail has no such sink
     */
    public SinkStatus sink(String sinkName) {
        for (SinkStatus sink : sinks) {
            if (sink.sink().equals(sinkName)) {
                return sink;
            }
        }
        throw new IllegalArgumentException("trail '" + name + "' has no sink named '" + sinkName + "'");
    }

    /**
     * The delivery state of one sink of a trail.
     *
     * <p>Immutable and thread-safe.
     *
     * @param sink the sink's name within the trail
     * @param recorded events selected for this sink since start
     * @param delivered events the sink accepted
     * @param pending events selected but neither delivered nor dropped yet
     * @param dropped events given up, by reason ({@code rejected}, {@code capacity}, {@code shutdown}, …)
     * @param retries failed delivery attempts that were retried
     * @param latestDeliveryTime when the sink last accepted a batch
     * @param latestDeliveryError the message of the latest failed attempt
     * @param latestDeliveryErrorCode the destination's error code of the latest failed attempt
     * @param latestDeliveryErrorTime when the latest attempt failed
     * @param oldestPendingEventTime the event time of the oldest pending event
     * @param oldestPendingAge how long ago the oldest pending event happened, at the time of the snapshot
     */
    public record SinkStatus(
            String sink,
            long recorded,
            long delivered,
            long pending,
            Map<String, Long> dropped,
            long retries,
            @Nullable Instant latestDeliveryTime,
            @Nullable String latestDeliveryError,
            @Nullable String latestDeliveryErrorCode,
            @Nullable Instant latestDeliveryErrorTime,
            @Nullable Instant oldestPendingEventTime,
            @Nullable Duration oldestPendingAge) {

        /** Validates and copies the values. */
        public SinkStatus {
            Objects.requireNonNull(sink, "sink");
            dropped = Map.copyOf(dropped);
        }

        /** Returns the number of dropped events over all reasons. */
        public long droppedTotal() {
            long total = 0;
            for (long count : dropped.values()) {
                total += count;
            }
            return total;
        }

        /** Returns whether the latest delivery attempt failed. */
        public boolean isFailing() {
            return latestDeliveryErrorTime != null
                    && (latestDeliveryTime == null || latestDeliveryErrorTime.isAfter(latestDeliveryTime));
        }
    }
}
