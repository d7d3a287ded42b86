package io.actiontrail.query;

import java.time.Duration;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * What to count over the events of a {@link LookupQuery} (its time range, conditions and text; not its order, page
 * size or token): the events per time bucket, the most frequent values of one attribute, or both.
 *
 * <p>Buckets are aligned on whole multiples of their size since 1970-01-01T00:00Z (hours on the hour, days at
 * midnight UTC) and span the query's range; the range ends at the time of the request when the query has no end.
 *
 * <p>Immutable and thread-safe.
 *
 * @param query the events to count
 * @param bucket the size of a time bucket, whole minutes from 1 minute to 1 day; {@code null} for no histogram
 * @param topBy the attribute whose most frequent values to count; {@code null} for none
 * @param top how many values of {@code topBy} to return, 1 to 1,000
 */
public record Aggregation(
        LookupQuery query,
        @Nullable Duration bucket,
        @Nullable Attribute topBy,
        int top) {

    /** The most buckets one histogram may have: 10,000. */
    public static final int MAX_BUCKETS = 10_000;

    /** The most values a top-N may ask for: 1,000. */
    public static final int MAX_TOP = 1000;

    /**
     * Validates the values.
     *
     * @throws IllegalArgumentException if neither a bucket nor an attribute is given, the bucket is not whole
     *     minutes between 1 minute and 1 day, or {@code top} is out of range
     */
    public Aggregation {
        Objects.requireNonNull(query, "query");
        if (bucket == null && topBy == null) {
            throw new IllegalArgumentException("an aggregation needs a bucket size, an attribute, or both");
        }
        if (bucket != null
                && (bucket.compareTo(Duration.ofMinutes(1)) < 0
                        || bucket.compareTo(Duration.ofDays(1)) > 0
                        || bucket.toSeconds() % 60 != 0
                        || bucket.toNanosPart() != 0)) {
            throw new IllegalArgumentException(
                    "the bucket size must be whole minutes from 1 minute to 1 day: " + bucket);
        }
        if (top < 1 || top > MAX_TOP) {
            throw new IllegalArgumentException("top must be between 1 and " + MAX_TOP + ": " + top);
        }
    }

    /** Returns the counts of {@code query}'s events per bucket of {@code bucket}. */
    public static Aggregation histogram(LookupQuery query, Duration bucket) {
        return new Aggregation(query, bucket, null, 10);
    }

    /** Returns the {@code n} most frequent values of {@code attribute} among {@code query}'s events. */
    public static Aggregation top(LookupQuery query, Attribute attribute, int n) {
        return new Aggregation(query, null, attribute, n);
    }

    /** Returns this aggregation with the {@code n} most frequent values of {@code attribute} too. */
    public Aggregation withTop(Attribute attribute, int n) {
        return new Aggregation(query, bucket, attribute, n);
    }
}
