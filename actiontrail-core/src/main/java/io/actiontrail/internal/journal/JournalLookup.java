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

/**
 * Answers a {@link LookupQuery} from a journal: scans newest first from the head, or oldest first from the start of
 * the range (or from where the previous page ended), skipping the segment blocks whose time range cannot match, and
 * stops one event after the page is full. A query with a condition that is not negated reads only the lines the
 * journal's secondary index names (in the same order); every line read is checked against the whole query.
 * The page token names the journal, the position to continue below, the resolved time range and a digest of the
 * filters, so that a page never repeats or skips an event while new events arrive. Stateless and thread-safe.
 */
@InternalApi
public final class JournalLookup {

    private static final String TOKEN_VERSION = "2";

    private final Journal journal;
    private final Clock clock;
    private final Duration retention;

    public JournalLookup(Journal journal, Clock clock, Duration retention) {
        this.journal = journal;
        this.clock = clock;
        this.retention = retention;
    }

    /**
     * A decoded page token: the positions still to visit, {@code [low, high)}, and the resolved time range. Newest
     * first continues below {@code high}; oldest first continues from {@code low}, never reaching the events
     * recorded after the first page.
     */
    private record Token(long low, long high, long fromMillis, long toMillis) {}

    public LookupResult lookup(LookupQuery query) {
        Objects.requireNonNull(query, "query");
        String digest = digest(query);
        Token range;
        String token = query.nextToken();
        if (token != null) {
            range = decode(token, digest);
        } else {
            long now = clock.millis();
            Instant end = query.endTime();
            long from = startMillis(query, now, retention);
            long to = end != null ? ceilMillis(end) : Long.MAX_VALUE;
            range = new Token(0, journal.nextSeq(), from, to);
        }
        List<AuditEvent> events = new ArrayList<>();
        long[] last = {-1};
        boolean[] more = {false};
        int max = query.maxResults();
        long fromMillis = range.fromMillis;
        long toMillis = range.toMillis;
        boolean newestFirst = query.order() == LookupQuery.Order.NEWEST_FIRST;
        Journal.LineVisitor visitor = (seq, utf8, offset, length) -> {
            LineFields fields;
            try {
                fields = LineFields.parse(utf8, offset, length);
            } catch (IllegalArgumentException e) {
                return true; // a corrupt line matches nothing
            }
            if (fields.eventTimeMillis < fromMillis || fields.eventTimeMillis >= toMillis || !fields.matches(query)) {
                return true;
            }
            String json = null;
            if (!query.text().isEmpty()) {
                json = new String(utf8, offset, length, StandardCharsets.UTF_8);
                if (!query.containsText(json)) {
                    return true;
                }
            }
            if (events.size() == max) {
                more[0] = true;
                return false;
            }
            events.add(AuditEvent.fromJson(
                    json != null ? json : new String(utf8, offset, length, StandardCharsets.UTF_8)));
            last[0] = seq;
            return true;
        };
        if (fromMillis < toMillis && range.low < range.high) {
            if (QueryIndex.narrows(query)) {
                journal.lookup(range.low, range.high, fromMillis, toMillis, query, newestFirst, visitor);
            } else if (newestFirst) {
                journal.scanBackwards(range.high, fromMillis, toMillis, visitor);
            } else {
                journal.scanForwards(range.low, range.high, fromMillis, toMillis, visitor);
            }
        }
        String next = null;
        if (more[0]) {
            Token rest = newestFirst
                    ? new Token(range.low, last[0], fromMillis, toMillis)
                    : new Token(last[0] + 1, range.high, fromMillis, toMillis);
            next = encode(rest, digest);
        }
        return new LookupResult(events, next);
    }

    /** The first millisecond of the query's range: its start, else 7 days ago, never before the retention. */
    static long startMillis(LookupQuery query, long now, Duration retention) {
        Instant start = query.startTime();
        long from = start != null ? ceilMillis(start) : now - LookupQuery.DEFAULT_RANGE.toMillis();
        return Math.max(from, now - retention.toMillis());
    }

    /**
     * Returns the first whole millisecond at or after {@code time}: event times are whole milliseconds, so an event
     * is at or after {@code time} exactly when it is at or after this millisecond, and before {@code time} exactly
     * when it is before it. Instants beyond the range of epoch milliseconds saturate.
     */
    static long ceilMillis(Instant time) {
        try {
            long millis = time.toEpochMilli(); // rounds down
            return time.truncatedTo(ChronoUnit.MILLIS).equals(time) ? millis : Math.addExact(millis, 1);
        } catch (ArithmeticException e) {
            return time.isBefore(Instant.EPOCH) ? Long.MIN_VALUE : Long.MAX_VALUE;
        }
    }

    private String encode(Token t, String digest) {
        String text = String.join(
                "|",
                TOKEN_VERSION,
                journal.id(),
                Long.toString(t.low),
                Long.toString(t.high),
                Long.toString(t.fromMillis),
                Long.toString(t.toMillis),
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
        if (parts.length != 7 || !parts[0].equals(TOKEN_VERSION) || !parts[1].equals(journal.id())) {
            throw unknown();
        }
        if (!parts[6].equals(digest)) {
            throw new IllegalArgumentException(
                    "nextToken belongs to a query with other filters; pass the same filters with the token");
        }
        try {
            return new Token(
                    Long.parseLong(parts[2]),
                    Long.parseLong(parts[3]),
                    Long.parseLong(parts[4]),
                    Long.parseLong(parts[5]));
        } catch (NumberFormatException e) {
            throw unknown();
        }
    }

    private static IllegalArgumentException unknown() {
        return new IllegalArgumentException("unknown nextToken: it was not issued by this journal");
    }

    /** A digest of everything but the page size and token: a token only continues the query that made it. */
    private static String digest(LookupQuery q) {
        String text = q.filtersKey();
        long h = 1125899906842597L;
        for (int k = 0; k < text.length(); k++) {
            h = 31 * h + text.charAt(k);
        }
        return Long.toHexString(h);
    }
}
