package io.actiontrail.internal.journal;

import io.actiontrail.AuditEvent;
import io.actiontrail.internal.InternalApi;
import io.actiontrail.internal.codec.LineFields;
import io.actiontrail.query.LookupQuery;
import io.actiontrail.query.LookupResult;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Answers a {@link LookupQuery} from a journal: scans newest first from the head (or from where the previous page
 * ended), skipping the segment blocks whose time range cannot match, and stops one event after the page is full.
 * The page token names the journal, the position to continue below, the resolved time range and a digest of the
 * filters, so that a page never repeats or skips an event while new events arrive. Stateless and thread-safe.
 */
@InternalApi
public final class JournalLookup {

    private static final String TOKEN_VERSION = "1";

    private final Journal journal;
    private final Clock clock;
    private final Duration retention;

    public JournalLookup(Journal journal, Clock clock, Duration retention) {
        this.journal = journal;
        this.clock = clock;
        this.retention = retention;
    }

    /** A decoded page token. */
    private record Token(long before, long fromMillis, long toMillis) {}

    public LookupResult lookup(LookupQuery query) {
        Objects.requireNonNull(query, "query");
        String digest = digest(query);
        long before;
        long from;
        long to;
        String token = query.nextToken();
        if (token != null) {
            Token decoded = decode(token, digest);
            before = decoded.before;
            from = decoded.fromMillis;
            to = decoded.toMillis;
        } else {
            long now = clock.millis();
            Instant start = query.startTime();
            Instant end = query.endTime();
            from = start != null ? ceilMillis(start) : now - LookupQuery.DEFAULT_RANGE.toMillis();
            from = Math.max(from, now - retention.toMillis());
            to = end != null ? ceilMillis(end) : Long.MAX_VALUE;
            before = journal.nextSeq();
        }
        List<AuditEvent> events = new ArrayList<>();
        long[] last = {-1};
        boolean[] more = {false};
        int max = query.maxResults();
        long fromMillis = from;
        long toMillis = to;
        if (fromMillis < toMillis) {
            journal.scanBackwards(before, fromMillis, toMillis, (seq, utf8, offset, length) -> {
                LineFields fields;
                try {
                    fields = LineFields.parse(utf8, offset, length);
                } catch (IllegalArgumentException e) {
                    return true; // a corrupt line matches nothing
                }
                if (fields.eventTimeMillis < fromMillis
                        || fields.eventTimeMillis >= toMillis
                        || !fields.matches(query)) {
                    return true;
                }
                if (events.size() == max) {
                    more[0] = true;
                    return false;
                }
                events.add(AuditEvent.fromJson(new String(utf8, offset, length, StandardCharsets.UTF_8)));
                last[0] = seq;
                return true;
            });
        }
        String next = more[0] ? encode(last[0], from, to, digest) : null;
        return new LookupResult(events, next);
    }

    /**
     * Returns the first whole millisecond at or after {@code time}: event times are whole milliseconds, so an event
     * is at or after {@code time} exactly when it is at or after this millisecond, and before {@code time} exactly
     * when it is before it. Instants beyond the range of epoch milliseconds saturate.
     */
    private static long ceilMillis(Instant time) {
        try {
            long millis = time.toEpochMilli(); // rounds down
            return time.truncatedTo(ChronoUnit.MILLIS).equals(time) ? millis : Math.addExact(millis, 1);
        } catch (ArithmeticException e) {
            return time.isBefore(Instant.EPOCH) ? Long.MIN_VALUE : Long.MAX_VALUE;
        }
    }

    private String encode(long before, long from, long to, String digest) {
        String text = String.join(
                "|",
                TOKEN_VERSION,
                journal.id(),
                Long.toString(before),
                Long.toString(from),
                Long.toString(to),
                digest);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }

    private Token decode(String token, String digest) {
        String[] parts;
        try {
            parts = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8).split("\\|", -1);
        } catch (IllegalArgumentException e) {
            throw unknown();
        }
        if (parts.length != 6 || !parts[0].equals(TOKEN_VERSION) || !parts[1].equals(journal.id())) {
            throw unknown();
        }
        if (!parts[5].equals(digest)) {
            throw new IllegalArgumentException(
                    "nextToken belongs to a query with other filters; pass the same filters with the token");
        }
        try {
            return new Token(Long.parseLong(parts[2]), Long.parseLong(parts[3]), Long.parseLong(parts[4]));
        } catch (NumberFormatException e) {
            throw unknown();
        }
    }

    private static IllegalArgumentException unknown() {
        return new IllegalArgumentException("unknown nextToken: it was not issued by this journal");
    }

    /** A digest of everything but the page size and token: a token only continues the query that made it. */
    private static String digest(LookupQuery q) {
        StringBuilder text = new StringBuilder();
        for (@Nullable
        Object value : new @Nullable Object[] {
            q.startTime(),
            q.endTime(),
            q.eventName(),
            q.eventRW(),
            q.eventType(),
            q.userName(),
            q.principalId(),
            q.accessKeyId(),
            q.resourceType(),
            q.resourceName(),
            q.serviceName(),
            q.outcome(),
            q.requestId(),
            q.sourceIpAddress()
        }) {
            text.append(value == null ? "\u0000" : value.toString()).append('\u0001');
        }
        long h = 1125899906842597L;
        for (int i = 0; i < text.length(); i++) {
            h = 31 * h + text.charAt(i);
        }
        return Long.toHexString(h);
    }
}
