package io.actiontrail.query;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * The counts of an {@link Aggregation}.
 *
 * <p>Immutable and thread-safe.
 *
 * @param matched how many events matched the query in its range
 * @param buckets the histogram, oldest bucket first, every bucket of the range including empty ones; empty when none
 *     was asked for
 * @param top the most frequent values of the attribute, most frequent first (ties by value); empty when none was
 *     asked for. An event with several values (a resource) counts once for each
 */
public record AggregationResult(long matched, List<Bucket> buckets, List<ValueCount> top) {

    /** Validates and copies the values. */
    public AggregationResult {
        buckets = List.copyOf(buckets);
        top = List.copyOf(top);
    }

    /**
     * The events of one time bucket. Immutable and thread-safe.
     *
     * @param start the bucket's start, inclusive; it ends where the next starts
     * @param count the events in the bucket
     * @param failures those whose outcome is {@code Failure}
     * @param denials those whose outcome is {@code Denied}
     */
    public record Bucket(Instant start, long count, long failures, long denials) {
        /** Validates the values. */
        public Bucket {
            Objects.requireNonNull(start, "start");
        }
    }

    /**
     * One value of an attribute and how many events have it. Immutable and thread-safe.
     *
     * @param value the value
     * @param count the events that have it
     */
    public record ValueCount(String value, long count) {
        /** Validates the values. */
        public ValueCount {
            Objects.requireNonNull(value, "value");
        }
    }
}
