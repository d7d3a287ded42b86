package io.actiontrail.query;

/**
 * A store of recorded events that answers {@link LookupQuery lookups} and {@link Aggregation aggregations}: the local journal of an
 * {@link io.actiontrail.ActionTrail}, or a shared store that several instances deliver to.
 *
 * <p>Implementations are thread-safe.
 */
public interface EventStore {

    /**
     * Returns the events matching every attribute the query sets, within its time range, newest first, one page at
     * a time.
     *
     * @throws IllegalArgumentException if the query's {@code nextToken} was not issued by this store for the same
     *     filters
     */
    LookupResult lookup(LookupQuery query);

    /**
     * Counts the events of the aggregation's query: per time bucket, by the most frequent values of an attribute, or
     * both.
     *
     * @throws IllegalArgumentException if the histogram would have more than {@link Aggregation#MAX_BUCKETS} buckets
     */
    AggregationResult aggregate(Aggregation aggregation);
}
