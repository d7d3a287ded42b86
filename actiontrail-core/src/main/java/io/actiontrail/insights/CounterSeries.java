package io.actiontrail.insights;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * One counter's rollup over a time range: the count of each bucket of {@code resolution} that had events, oldest
 * first (a bucket not listed counted nothing).
 *
 * <p>Immutable and thread-safe.
 *
 * @param key what was counted
 * @param resolution the bucket length: one minute, five minutes or one hour
 * @param points the buckets with a count, oldest first
 */
public record CounterSeries(CounterKey key, Duration resolution, List<Point> points) {

    /**
     * One bucket. Immutable and thread-safe.
     *
     * @param start the bucket's start
     * @param count the events counted in it
     */
    public record Point(Instant start, long count) {
        /** Validates the point. */
        public Point {
            Objects.requireNonNull(start, "start");
        }
    }

    /** Validates and copies the series. */
    public CounterSeries {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(resolution, "resolution");
        points = List.copyOf(points);
    }

    /** Returns the sum of every bucket. */
    public long total() {
        long total = 0;
        for (Point point : points) {
            total += point.count;
        }
        return total;
    }
}
