package io.actiontrail.sink.opensearch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.actiontrail.AuditEvent;
import io.actiontrail.query.EventStore;
import io.actiontrail.query.LookupQuery;
import io.actiontrail.query.LookupResult;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.jspecify.annotations.Nullable;

/**
 * Looks up audit events in the indices an {@link OpenSearchAuditSink} writes, with the same contract as the local
 * journal ({@link LookupQuery}): exact, case-sensitive attribute filters combined with AND, a time range with an
 * inclusive start and an exclusive end (the last 7 days by default), newest first, paged with an opaque token. When
 * every instance of a fleet delivers to the same cluster, one store answers for all of them.
 *
 * <pre>{@code
 * EventStore fleet = OpenSearchEventStore.builder(connection).index("actiontrail").build();
 * LookupResult page = fleet.lookup(LookupQuery.builder().userName("alice").build());
 * }</pre>
 *
 * <p>Newest first means by {@code eventTime}, then by {@code eventId}, both descending; pages continue with
 * {@code search_after}, so paging visits each event exactly once. Unlike the journal, the store cannot tell when an
 * event was recorded: an event delivered after the first page was fetched, with an event time older than the page
 * reached, shows on a later page. A lookup sees what the cluster has refreshed (by default within a second of
 * indexing). The store does not apply a retention: what the indices hold is what it finds.
 *
 * <p>A lookup that the cluster cannot answer throws {@link UncheckedIOException} naming the cluster's error; a token
 * that this store did not issue for the same filters throws {@link IllegalArgumentException}.
 *
 * <p>Thread-safe.
 */
public final class OpenSearchEventStore implements EventStore {

    private static final String TOKEN_VERSION = "os1";
    private static final Instant LOWEST = Instant.parse("0001-01-01T00:00:00Z");
    private static final Instant HIGHEST = Instant.parse("9999-12-31T23:59:59.999Z");

    private final OpenSearchConnection connection;
    private final String index;
    private final Clock clock;

    private OpenSearchEventStore(Builder builder) {
        this.connection = builder.connection;
        this.index = builder.index;
        this.clock = builder.clock;
    }

    /** Returns a builder of a store that reads through {@code connection}, which it borrows and never closes. */
    public static Builder builder(OpenSearchConnection connection) {
        Objects.requireNonNull(connection, "connection");
        return new Builder(connection);
    }

    @Override
    public LookupResult lookup(LookupQuery query) {
        Objects.requireNonNull(query, "query");
        String filters = filterKey(query);
        Instant from;
        long afterMillis = 0;
        String afterId = null;
        String token = query.nextToken();
        if (token == null) {
            Instant start = query.startTime();
            from = start != null ? start : clock.instant().minus(LookupQuery.DEFAULT_RANGE);
        } else {
            Token parsed = Token.parse(token);
            if (!parsed.filters().equals(filters)) {
                throw new IllegalArgumentException(
                        "nextToken belongs to a query with other filters; pass the same filters with the token");
            }
            from = Instant.ofEpochMilli(parsed.fromMillis());
            afterMillis = parsed.afterMillis();
            afterId = parsed.afterId();
        }
        Instant to = query.endTime();
        if (from.isAfter(HIGHEST) || (to != null && (to.isBefore(LOWEST) || !to.isAfter(from)))) {
            return new LookupResult(List.of(), null);
        }
        long fromMillis = from.isBefore(LOWEST) ? ceilMillis(LOWEST) : ceilMillis(from);

        ObjectNode search = Json.MAPPER.createObjectNode();
        search.put("size", query.maxResults() + 1);
        search.put("track_total_hits", false);
        ArrayNode filter = search.putObject("query").putObject("bool").putArray("filter");
        ObjectNode range = filter.addObject().putObject("range").putObject("eventTime");
        range.put("gte", fromMillis);
        if (to != null && !to.isAfter(HIGHEST)) {
            range.put("lt", ceilMillis(to));
        }
        range.put("format", "epoch_millis");
        term(filter, "eventName", query.eventName());
        term(filter, "eventRW", query.eventRW() == null ? null : query.eventRW().wireName());
        term(
                filter,
                "eventType",
                query.eventType() == null ? null : query.eventType().wireName());
        term(filter, "userIdentity.userName", query.userName());
        term(filter, "userIdentity.principalId", query.principalId());
        term(filter, "userIdentity.accessKeyId", query.accessKeyId());
        term(filter, "resourceType", query.resourceType());
        term(filter, "resourceName", query.resourceName());
        term(filter, "serviceName", query.serviceName());
        term(filter, "outcome", query.outcome() == null ? null : query.outcome().wireName());
        term(filter, "requestId", query.requestId());
        term(filter, "sourceIpAddress", query.sourceIpAddress());
        ArrayNode sort = search.putArray("sort");
        sort.addObject().putObject("eventTime").put("order", "desc");
        sort.addObject().putObject("eventId").put("order", "desc");
        if (afterId != null) {
            search.putArray("search_after").add(afterMillis).add(afterId);
        }

        JsonNode hits = search(search).path("hits").path("hits");
        List<AuditEvent> events = new ArrayList<>();
        int count = Math.min(hits.size(), query.maxResults());
        for (int i = 0; i < count; i++) {
            events.add(AuditEvent.fromJson(hits.get(i).path("_source").toString()));
        }
        String next = null;
        if (hits.size() > query.maxResults()) {
            JsonNode last = hits.get(count - 1).path("sort");
            next = new Token(
                            filters,
                            fromMillis,
                            last.get(0).asLong(),
                            last.get(1).asText())
                    .encode();
        }
        return new LookupResult(events, next);
    }

    private JsonNode search(ObjectNode search) {
        Request request = new Request.Builder()
                .url(connection
                        .url(index + "-*", "_search")
                        .newBuilder()
                        .addQueryParameter("ignore_unavailable", "true")
                        .addQueryParameter("allow_no_indices", "true")
                        .build())
                .post(RequestBody.create(search.toString().getBytes(StandardCharsets.UTF_8), Json.JSON))
                .build();
        try (Response response = connection.execute(request)) {
            JsonNode body = Json.body(response);
            if (response.code() / 100 != 2) {
                throw new UncheckedIOException(new IOException("search of " + connection.describe() + "/" + index
                        + "-* was answered HTTP " + response.code() + ": " + Json.errorType(body, response.code())
                        + ": " + Json.errorReason(body)));
            }
            return body;
        } catch (IOException e) {
            throw new UncheckedIOException(
                    "search of " + connection.describe() + "/" + index + "-* failed before the cluster answered", e);
        }
    }

    private static void term(ArrayNode filter, String field, @Nullable String value) {
        if (value != null) {
            filter.addObject().putObject("term").put(field, value);
        }
    }

    /** The first whole millisecond at or after {@code t}: event times are whole milliseconds. */
    private static long ceilMillis(Instant t) {
        long millis = t.toEpochMilli(); // floors
        return Instant.ofEpochMilli(millis).equals(t) ? millis : millis + 1;
    }

    /** A digest of everything but the page size and token, so that a token only continues its own query. */
    private String filterKey(LookupQuery q) {
        String canonical = String.join(
                "\u0000",
                index,
                String.valueOf(q.startTime()),
                String.valueOf(q.endTime()),
                String.valueOf(q.eventName()),
                String.valueOf(q.eventRW()),
                String.valueOf(q.eventType()),
                String.valueOf(q.userName()),
                String.valueOf(q.principalId()),
                String.valueOf(q.accessKeyId()),
                String.valueOf(q.resourceType()),
                String.valueOf(q.resourceName()),
                String.valueOf(q.serviceName()),
                String.valueOf(q.outcome()),
                String.valueOf(q.requestId()),
                String.valueOf(q.sourceIpAddress()));
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(canonical.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 12);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available", e);
        }
    }

    /** A page token: the query's filters, its resolved start, and the sort values of the last event returned. */
    private record Token(String filters, long fromMillis, long afterMillis, String afterId) {

        String encode() {
            String afterIdEncoded =
                    Base64.getUrlEncoder().withoutPadding().encodeToString(afterId.getBytes(StandardCharsets.UTF_8));
            String text = String.join(
                    "|", TOKEN_VERSION, filters, Long.toString(fromMillis), Long.toString(afterMillis), afterIdEncoded);
            return Base64.getUrlEncoder().withoutPadding().encodeToString(text.getBytes(StandardCharsets.UTF_8));
        }

        static Token parse(String token) {
            try {
                String text = new String(Base64.getUrlDecoder().decode(token.strip()), StandardCharsets.UTF_8);
                String[] parts = text.split("\\|", -1);
                if (parts.length != 5 || !parts[0].equals(TOKEN_VERSION) || !parts[1].matches("[0-9a-f]{24}")) {
                    throw new IllegalArgumentException("unknown nextToken: it was not issued by this store");
                }
                String afterId = new String(Base64.getUrlDecoder().decode(parts[4]), StandardCharsets.UTF_8);
                return new Token(parts[1], Long.parseLong(parts[2]), Long.parseLong(parts[3]), afterId);
            } catch (IllegalArgumentException e) {
                // covers bad base64 and NumberFormatException
                throw new IllegalArgumentException("unknown nextToken: it was not issued by this store", e);
            }
        }
    }

    @Override
    public String toString() {
        return "OpenSearchEventStore{" + connection + ", index=" + index + "-*}";
    }

    /** Builds an {@link OpenSearchEventStore}. Not thread-safe. */
    public static final class Builder {
        private final OpenSearchConnection connection;
        private String index = OpenSearchAuditSink.DEFAULT_INDEX;
        private Clock clock = Clock.systemUTC();

        private Builder(OpenSearchConnection connection) {
            this.connection = connection;
        }

        /** Sets the index prefix the sink writes to; defaults to {@value OpenSearchAuditSink#DEFAULT_INDEX}. */
        public Builder index(String index) {
            Objects.requireNonNull(index, "index");
            if (!OpenSearchAuditSink.INDEX_NAME.matcher(index).matches()) {
                throw new IllegalArgumentException(
                        "index must be lowercase letters, digits, '.', '_' or '-', starting with a letter or digit: '"
                                + index + "'");
            }
            this.index = index;
            return this;
        }

        /** Sets the clock that places the default 7-day range; defaults to the system clock. */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /** Returns the store. */
        public OpenSearchEventStore build() {
            return new OpenSearchEventStore(this);
        }
    }
}
