package io.actiontrail.internal.journal;

import io.actiontrail.internal.InternalApi;
import io.actiontrail.internal.codec.LineFields;
import io.actiontrail.query.Aggregation;
import io.actiontrail.query.AggregationResult;
import io.actiontrail.query.Attribute;
import io.actiontrail.query.LookupQuery;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Answers an {@link Aggregation} from a journal: one pass, oldest first, over the lines of the query's range that
 * match it, counting them per bucket (with failures and denials) and per value of the attribute. The range is
 * resolved as {@link JournalLookup} resolves it. Where the journal's secondary index answers the query exactly, the
 * counts come from it (each line's time and outcome are kept there) without reading lines. Stateless and thread-safe.
 */
@InternalApi
public final class JournalAggregation {

    private final Journal journal;
    private final Clock clock;
    private final Duration retention;

    public JournalAggregation(Journal journal, Clock clock, Duration retention) {
        this.journal = journal;
        this.clock = clock;
        this.retention = retention;
    }

    public AggregationResult aggregate(Aggregation aggregation) {
        Objects.requireNonNull(aggregation, "aggregation");
        LookupQuery query = aggregation.query();
        long now = clock.millis();
        long from = JournalLookup.startMillis(query, now, retention);
        long to = query.endTime() != null ? JournalLookup.ceilMillis(query.endTime()) : now + 1;
        Duration bucket = aggregation.bucket();
        long size = bucket == null ? 0 : bucket.toMillis();
        long firstBucket = size == 0 ? 0 : Math.floorDiv(from, size) * size;
        int bucketCount = 0;
        if (size > 0 && from < to) {
            long count = Math.floorDiv(to - 1 - firstBucket, size) + 1;
            if (count > Aggregation.MAX_BUCKETS) {
                throw new IllegalArgumentException("the histogram would have " + count + " buckets of " + bucket
                        + "; at most " + Aggregation.MAX_BUCKETS + " are allowed: choose a larger bucket or a"
                        + " shorter range");
            }
            bucketCount = (int) count;
        }
        long[][] counts = new long[3][bucketCount]; // all, failures, denials
        Map<String, long[]> values = new HashMap<>();
        Attribute topBy = aggregation.topBy();
        long[] matched = {0};
        Journal.Tally tally = new Journal.Tally() {
            @Override
            public void event(long t, byte outcome) {
                matched[0]++;
                if (size > 0) {
                    int b = (int) ((t - firstBucket) / size);
                    counts[0][b]++;
                    if (outcome == IndexView.FAILURE) {
                        counts[1][b]++;
                    } else if (outcome == IndexView.DENIED) {
                        counts[2][b]++;
                    }
                }
            }

            @Override
            public void value(String value, long count) {
                values.computeIfAbsent(value, k -> new long[1])[0] += count;
            }
        };
        if (from < to) {
            journal.aggregate(from, to, query, topBy, tally, (seq, utf8, offset, length) -> {
                LineFields fields;
                try {
                    fields = LineFields.parse(utf8, offset, length);
                } catch (IllegalArgumentException e) {
                    return true; // a corrupt line counts nowhere
                }
                long t = fields.eventTimeMillis;
                if (t < from || t >= to || !fields.matches(query)) {
                    return true;
                }
                if (!query.text().isEmpty()
                        && !query.containsText(new String(utf8, offset, length, StandardCharsets.UTF_8))) {
                    return true;
                }
                tally.event(t, IndexBuilder.outcomeCode(fields.values(Attribute.OUTCOME)));
                if (topBy != null) {
                    for (String v : fields.values(topBy)) {
                        tally.value(v, 1);
                    }
                }
                return true;
            });
        }
        List<AggregationResult.Bucket> buckets = new ArrayList<>(bucketCount);
        for (int b = 0; b < bucketCount; b++) {
            buckets.add(new AggregationResult.Bucket(
                    Instant.ofEpochMilli(firstBucket + b * size), counts[0][b], counts[1][b], counts[2][b]));
        }
        return new AggregationResult(matched[0], buckets, top(values, aggregation.top()));
    }

    /** The {@code n} most frequent values, most frequent first, ties by value. */
    static List<AggregationResult.ValueCount> top(Map<String, long[]> values, int n) {
        return values.entrySet().stream()
                .map(e -> new AggregationResult.ValueCount(e.getKey(), e.getValue()[0]))
                .sorted(Comparator.comparingLong(AggregationResult.ValueCount::count)
                        .reversed()
                        .thenComparing(AggregationResult.ValueCount::value))
                .limit(n)
                .toList();
    }
}
