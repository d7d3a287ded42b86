package io.actiontrail.sink.opensearch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.actiontrail.AuditEvent;
import io.actiontrail.Outcome;
import io.actiontrail.query.Aggregation;
import io.actiontrail.query.AggregationResult;
import io.actiontrail.query.Attribute;
import io.actiontrail.query.Condition;
import io.actiontrail.query.EventStore;
import io.actiontrail.query.LookupQuery;
import io.actiontrail.query.LookupResult;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.jspecify.annotations.Nullable;

/**
 * Looks up and counts audit events in the indices an {@link OpenSearchAuditSink} writes, with the same contract as
 * the local journal ({@link LookupQuery}, {@link Aggregation}): conditions on the attributes (exact, case-sensitive
 * values, prefixes, networks, negation) combined with AND, a time range with an inclusive start and an exclusive end
 * (the last 7 days by default), newest or oldest first, paged with an opaque token. When every instance of a fleet
 * delivers to the same cluster, one store answers for all of them.
 *
 * <pre>{@code
 * EventStore fleet = OpenSearchEventStore.builder(connection).index("actiontrail").build();
 * LookupResult page = fleet.lookup(LookupQuery.builder().userName("alice").build());
 * }</pre>
 *
 * <p>Newest first means by {@code eventTime}, then by {@code eventId}, both descending; oldest first, both ascending.
 * Pages continue with {@code search_after}, so paging visits each event exactly once. Unlike the journal, the store
 * cannot tell when an event was recorded: an event delivered after the first page was fetched, with an event time not
 * yet reached by the pages, shows on a later page. A lookup sees what the cluster has refreshed (by default within a
 * second of indexing). The store does not apply a retention: what the indices hold is what it finds.
 *
 * <p>Where it differs from the journal:
 *
 * <ul>
 *   <li><b>Free text</b> is matched, ignoring case, as a substring of the indexed string values of the event's
 *       top-level fields and of its {@code userIdentity} (a case-insensitive {@code *phrase*} wildcard on each keyword
 *       field). The journal searches the whole JSON form; here the field names, the ids of
 *       {@code referencedResources}, the session context, the free-form {@code requestParameters},
 *       {@code responseElements} and {@code additionalEventData} (which are not indexed), a phrase spanning two
 *       fields, and values longer than {@value IndexTemplate#IGNORE_ABOVE} characters are not searched.
 *   <li><b>Networks</b> ({@link io.actiontrail.query.Condition#inNetwork(String)}) are matched on the
 *       {@code sourceIpAddress.ip} field that the index template adds from its version {@value IndexTemplate#VERSION};
 *       indices created under an earlier template lack it and match no network. The search engine holds IPv4
 *       addresses as IPv4-mapped IPv6 addresses, so an IPv6 network that covers {@code ::ffff:0:0/96} also matches
 *       IPv4 addresses, which the journal's never do.
 *   <li><b>Resources</b> whose type contains a {@code /}, or whose type given as a prefix contains {@code *}, cannot be
 *       matched by a prefix of {@link Attribute#RESOURCE}; such a query is refused with
 *       {@link IllegalArgumentException}.
 *   <li><b>The most frequent resources</b> ({@link Aggregation#top} by {@link Attribute#RESOURCE}) are counted by
 *       reading the resource fields of every matching event, at most {@value #MAX_RESOURCE_SCAN}; a larger count is
 *       refused with {@link IllegalArgumentException}. Other attributes are counted by a {@code terms} aggregation,
 *       exact on one shard and, as the search engine documents, possibly approximate across several.
 * </ul>
 *
 * <p>A lookup that the cluster cannot answer throws {@link UncheckedIOException} naming the cluster's error; a token
 * that this store did not issue for the same filters and order throws {@link IllegalArgumentException}.
 *
 * <p>Thread-safe.
 *
 * <p>Over 500 lines on purpose: the translation of every kind of condition, the page tokens and the aggregations all
 * follow the journal's semantics field by field, and are easier to check against it side by side in one class.
 */
public final class OpenSearchEventStore implements EventStore {

    /** The most events whose resources a top-N by {@link Attribute#RESOURCE} reads. */
    static final int MAX_RESOURCE_SCAN = 100_000;

    private static final String TOKEN_VERSION = "os2";
    private static final Instant LOWEST = Instant.parse("0001-01-01T00:00:00Z");
    private static final Instant HIGHEST = Instant.parse("9999-12-31T23:59:59.999Z");
    private static final int SCAN_PAGE = 1000;

    /** The keyword fields free text is searched in. */
    private static final List<String> TEXT_FIELDS = List.of(
            "eventVersion",
            "eventId",
            "eventName",
            "eventType",
            "eventRW",
            "eventCategory",
            "serviceName",
            "eventSource",
            "region",
            "sourceIpAddress",
            "userAgent",
            "requestId",
            "resourceType",
            "resourceName",
            "outcome",
            "errorCode",
            "errorMessage",
            "userIdentity.type",
            "userIdentity.principalId",
            "userIdentity.userName",
            "userIdentity.accountId",
            "userIdentity.accessKeyId");

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
        boolean newestFirst = query.order() == LookupQuery.Order.NEWEST_FIRST;
        Instant from;
        long afterMillis = 0;
        String afterId = null;
        String token = query.nextToken();
        if (token == null) {
            Instant start = query.startTime();
            from = start != null ? start : clock.instant().minus(LookupQuery.DEFAULT_RANGE);
        } else {
            Token parsed = Token.parse(token);
            if (parsed.newestFirst() != newestFirst) {
                throw new IllegalArgumentException(
                        "nextToken belongs to a query in the other order; pass the same order with the token");
            }
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
        Long toMillis = to != null && !to.isAfter(HIGHEST) ? ceilMillis(to) : null;

        ObjectNode search = Json.MAPPER.createObjectNode();
        search.put("size", query.maxResults() + 1);
        search.put("track_total_hits", false);
        search.set("query", query(query, fromMillis, toMillis));
        String direction = newestFirst ? "desc" : "asc";
        ArrayNode sort = search.putArray("sort");
        sort.addObject().putObject("eventTime").put("order", direction);
        sort.addObject().putObject("eventId").put("order", direction);
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
                            newestFirst,
                            filters,
                            fromMillis,
                            last.path(0).asLong(),
                            last.path(1).asText())
                    .encode();
        }
        return new LookupResult(events, next);
    }

    /**
     * {@inheritDoc}
     *
     * <p>The range starts at the query's start, else 7 days before now, and ends at its end, else now (inclusive).
     * The histogram is a {@code date_histogram} with a fixed interval and bounds extended over the range, so that empty
     * buckets are returned too.
     */
    @Override
    public AggregationResult aggregate(Aggregation aggregation) {
        Objects.requireNonNull(aggregation, "aggregation");
        LookupQuery query = aggregation.query();
        Instant now = clock.instant();
        Instant start = query.startTime();
        Instant from = start != null ? start : now.minus(LookupQuery.DEFAULT_RANGE);
        Instant end = query.endTime();
        long fromMillis = from.isBefore(LOWEST) ? ceilMillis(LOWEST) : ceilMillis(from);
        long toMillis =
                end == null ? now.toEpochMilli() + 1 : end.isAfter(HIGHEST) ? ceilMillis(HIGHEST) : ceilMillis(end);
        if (from.isAfter(HIGHEST) || (end != null && end.isBefore(LOWEST))) {
            toMillis = fromMillis;
        }
        Duration bucket = aggregation.bucket();
        long size = bucket == null ? 0 : bucket.toMillis();
        long firstBucket = size == 0 ? 0 : Math.floorDiv(fromMillis, size) * size;
        int bucketCount = 0;
        if (size > 0 && fromMillis < toMillis) {
            long n = Math.floorDiv(toMillis - 1 - firstBucket, size) + 1;
            if (n > Aggregation.MAX_BUCKETS) {
                throw new IllegalArgumentException("the histogram would have " + n + " buckets of " + bucket
                        + "; at most " + Aggregation.MAX_BUCKETS + " are allowed: choose a larger bucket or a"
                        + " shorter range");
            }
            bucketCount = (int) n;
        }
        Attribute topBy = aggregation.topBy();
        long[][] counts = new long[3][bucketCount]; // all, failures, denials
        long matched = 0;
        List<AggregationResult.ValueCount> top = List.of();
        if (fromMillis < toMillis) {
            ObjectNode filter = query(query, fromMillis, toMillis);
            ObjectNode search = Json.MAPPER.createObjectNode();
            search.put("size", 0);
            search.put("track_total_hits", true);
            search.set("query", filter);
            ObjectNode aggs = search.putObject("aggs");
            if (size > 0) {
                ObjectNode histogram = aggs.putObject("histogram");
                ObjectNode dates = histogram.putObject("date_histogram");
                dates.put("field", "eventTime");
                dates.put("fixed_interval", size / 60_000 + "m");
                dates.put("min_doc_count", 0);
                dates.put("offset", "0m");
                ObjectNode bounds = dates.putObject("extended_bounds");
                bounds.put("min", firstBucket);
                bounds.put("max", toMillis - 1);
                ObjectNode outcomes = histogram.putObject("aggs");
                outcomes.putObject("failures")
                        .putObject("filter")
                        .putObject("term")
                        .put("outcome", Outcome.FAILURE.wireName());
                outcomes.putObject("denials")
                        .putObject("filter")
                        .putObject("term")
                        .put("outcome", Outcome.DENIED.wireName());
            }
            if (topBy != null && topBy != Attribute.RESOURCE) {
                ObjectNode terms = aggs.putObject("top").putObject("terms");
                terms.put("field", topBy.wireName());
                terms.put("size", aggregation.top());
                terms.put("shard_size", Math.max(SCAN_PAGE, aggregation.top() * 2));
                ArrayNode order = terms.putArray("order");
                order.addObject().put("_count", "desc");
                order.addObject().put("_key", "asc");
            }
            if (aggs.isEmpty()) {
                search.remove("aggs");
            }
            JsonNode body = search(search);
            matched = body.path("hits").path("total").path("value").asLong();
            for (JsonNode b : body.path("aggregations").path("histogram").path("buckets")) {
                long key = b.path("key").asLong();
                if (key < firstBucket) {
                    continue;
                }
                long i = (key - firstBucket) / size;
                if (i < bucketCount) {
                    counts[0][(int) i] = b.path("doc_count").asLong();
                    counts[1][(int) i] = b.path("failures").path("doc_count").asLong();
                    counts[2][(int) i] = b.path("denials").path("doc_count").asLong();
                }
            }
            if (topBy == Attribute.RESOURCE) {
                top = topResources(filter, matched, aggregation.top());
            } else if (topBy != null) {
                List<AggregationResult.ValueCount> values = new ArrayList<>();
                for (JsonNode b : body.path("aggregations").path("top").path("buckets")) {
                    values.add(new AggregationResult.ValueCount(
                            b.path("key").asText(), b.path("doc_count").asLong()));
                }
                top = values;
            }
        }
        List<AggregationResult.Bucket> buckets = new ArrayList<>(bucketCount);
        for (int b = 0; b < bucketCount; b++) {
            buckets.add(new AggregationResult.Bucket(
                    Instant.ofEpochMilli(firstBucket + b * size), counts[0][b], counts[1][b], counts[2][b]));
        }
        return new AggregationResult(matched, buckets, top);
    }

    /**
     * The most frequent resources of the events {@code filter} matches: a resource lives in two kinds of fields (the
     * primary resource's, and one field per type of referenced resource), and an event naming the same resource in
     * both counts once, which no single aggregation expresses, so the resource fields of every match are read.
     */
    private List<AggregationResult.ValueCount> topResources(ObjectNode filter, long matched, int n) {
        if (matched > MAX_RESOURCE_SCAN) {
            throw new IllegalArgumentException("this store counts the most frequent resources of at most "
                    + MAX_RESOURCE_SCAN + " events; the query matches " + matched + ": narrow it");
        }
        Map<String, long[]> values = new HashMap<>();
        JsonNode after = null;
        while (true) {
            ObjectNode search = Json.MAPPER.createObjectNode();
            search.put("size", SCAN_PAGE);
            search.put("track_total_hits", false);
            search.set("query", filter);
            search.putArray("_source").add("resourceType").add("resourceName").add("referencedResources");
            ArrayNode sort = search.putArray("sort");
            sort.addObject().putObject("eventTime").put("order", "asc");
            sort.addObject().putObject("eventId").put("order", "asc");
            if (after != null) {
                search.set("search_after", after);
            }
            JsonNode hits = search(search).path("hits").path("hits");
            for (JsonNode hit : hits) {
                Set<String> resources = new HashSet<>();
                JsonNode source = hit.path("_source");
                JsonNode type = source.path("resourceType");
                JsonNode name = source.path("resourceName");
                if (type.isTextual() && name.isTextual()) {
                    resources.add(Attribute.resource(type.asText(), name.asText()));
                }
                for (Map.Entry<String, JsonNode> e :
                        source.path("referencedResources").properties()) {
                    for (JsonNode id : e.getValue()) {
                        if (id.isTextual()) {
                            resources.add(Attribute.resource(e.getKey(), id.asText()));
                        }
                    }
                }
                for (String r : resources) {
                    values.computeIfAbsent(r, k -> new long[1])[0]++;
                }
            }
            if (hits.size() < SCAN_PAGE) {
                break;
            }
            after = hits.path(hits.size() - 1).path("sort");
        }
        return values.entrySet().stream()
                .map(e -> new AggregationResult.ValueCount(e.getKey(), e.getValue()[0]))
                .sorted(Comparator.comparingLong(AggregationResult.ValueCount::count)
                        .reversed()
                        .thenComparing(AggregationResult.ValueCount::value))
                .limit(n)
                .toList();
    }

    /** The bool query of a lookup: its range, each condition, each phrase of free text. */
    private static ObjectNode query(LookupQuery query, long fromMillis, @Nullable Long toMillis) {
        ObjectNode root = Json.MAPPER.createObjectNode();
        ObjectNode bool = root.putObject("bool");
        ArrayNode filter = bool.putArray("filter");
        ArrayNode mustNot = bool.putArray("must_not");
        ObjectNode range = filter.addObject().putObject("range").putObject("eventTime");
        range.put("gte", fromMillis);
        if (toMillis != null) {
            range.put("lt", toMillis);
        }
        range.put("format", "epoch_millis");
        for (Condition c : query.conditions()) {
            (c.negated() ? mustNot : filter).add(anyOf(clauses(c)));
        }
        for (String phrase : query.text()) {
            ArrayNode fields = Json.MAPPER.createArrayNode();
            String pattern = "*" + escapeWildcard(phrase) + "*";
            for (String field : TEXT_FIELDS) {
                ObjectNode wildcard = fields.addObject().putObject("wildcard").putObject(field);
                wildcard.put("value", pattern);
                wildcard.put("case_insensitive", true);
            }
            filter.add(anyOf(fields));
        }
        if (mustNot.isEmpty()) {
            bool.remove("must_not");
        }
        return root;
    }

    /** The clauses of which one must match for the condition (ignoring its negation) to hold. */
    private static ArrayNode clauses(Condition c) {
        ArrayNode should = Json.MAPPER.createArrayNode();
        if (c.attribute() == Attribute.RESOURCE) {
            for (String value : c.values()) {
                resourceValue(should, value);
            }
            for (String prefix : c.prefixes()) {
                resourcePrefix(should, prefix);
            }
            return should;
        }
        String field = c.attribute().wireName();
        if (!c.values().isEmpty()) {
            ArrayNode terms = should.addObject().putObject("terms").putArray(field);
            c.values().forEach(terms::add);
        }
        for (String prefix : c.prefixes()) {
            should.addObject().putObject("prefix").putObject(field).put("value", prefix);
        }
        for (String network : c.networks()) {
            should.addObject().putObject("term").put(field + ".ip", network);
        }
        return should;
    }

    /**
     * {@code type/name} is the primary resource (type and name) or a referenced one (its id in the field of its
     * type); a type may itself hold a slash, so every split is tried.
     */
    private static void resourceValue(ArrayNode should, String value) {
        for (int slash = value.indexOf('/'); slash >= 0; slash = value.indexOf('/', slash + 1)) {
            String type = value.substring(0, slash);
            String name = value.substring(slash + 1);
            should.add(both(term("resourceType", type), term("resourceName", name)));
            if (!type.isEmpty()) {
                should.add(term("referencedResources." + type, name));
            }
        }
    }

    /**
     * {@code type/name} starts with {@code prefix} when the type starts with all of it, or when the prefix is the
     * whole type, a slash and the start of the name.
     */
    private static void resourcePrefix(ArrayNode should, String prefix) {
        if (prefix.indexOf('*') >= 0) {
            throw new IllegalArgumentException(
                    "this store cannot match a resource prefix holding '*' (a field name pattern): " + prefix);
        }
        for (int slash = prefix.indexOf('/'); slash >= 0; slash = prefix.indexOf('/', slash + 1)) {
            String type = prefix.substring(0, slash);
            String name = prefix.substring(slash + 1);
            ObjectNode namePrefix = Json.MAPPER.createObjectNode();
            namePrefix.putObject("prefix").putObject("resourceName").put("value", name);
            should.add(both(term("resourceType", type), namePrefix));
            if (!type.isEmpty()) {
                ObjectNode referenced = should.addObject();
                if (name.isEmpty()) {
                    referenced.putObject("exists").put("field", "referencedResources." + type);
                } else {
                    referenced
                            .putObject("prefix")
                            .putObject("referencedResources." + type)
                            .put("value", name);
                }
            }
        }
        // the type starts with the whole prefix: a primary resource with a name, or a referenced type's field
        ObjectNode typePrefix = Json.MAPPER.createObjectNode();
        typePrefix.putObject("prefix").putObject("resourceType").put("value", prefix);
        ObjectNode hasName = Json.MAPPER.createObjectNode();
        hasName.putObject("exists").put("field", "resourceName");
        should.add(both(typePrefix, hasName));
        should.addObject().putObject("exists").put("field", "referencedResources." + prefix + "*");
    }

    private static ObjectNode term(String field, String value) {
        ObjectNode term = Json.MAPPER.createObjectNode();
        term.putObject("term").put(field, value);
        return term;
    }

    private static ObjectNode both(ObjectNode a, ObjectNode b) {
        ObjectNode both = Json.MAPPER.createObjectNode();
        both.putObject("bool").putArray("filter").add(a).add(b);
        return both;
    }

    private static ObjectNode anyOf(ArrayNode should) {
        ObjectNode any = Json.MAPPER.createObjectNode();
        if (should.isEmpty()) {
            // no clause could match (a resource value without a slash): an empty bool would match everything
            any.putObject("match_none");
            return any;
        }
        ObjectNode bool = any.putObject("bool");
        bool.set("should", should);
        bool.put("minimum_should_match", 1);
        return any;
    }

    /** Escapes the wildcard query's special characters, so that a phrase is matched literally. */
    private static String escapeWildcard(String phrase) {
        StringBuilder out = new StringBuilder(phrase.length() + 8);
        for (int i = 0; i < phrase.length(); i++) {
            char c = phrase.charAt(i);
            if (c == '\\' || c == '*' || c == '?') {
                out.append('\\');
            }
            out.append(c);
        }
        return out.toString();
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

    /** The first whole millisecond at or after {@code t}: event times are whole milliseconds. */
    private static long ceilMillis(Instant t) {
        long millis = t.toEpochMilli(); // floors
        return Instant.ofEpochMilli(millis).equals(t) ? millis : millis + 1;
    }

    /** A digest of the index and everything but the page size and token, so that a token only continues its query. */
    private String filterKey(LookupQuery q) {
        String canonical = index + "\u0000" + q.filtersKey();
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(canonical.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 12);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available", e);
        }
    }

    /**
     * A page token: the order, the query's filters, its resolved start, and the sort values of the last event
     * returned.
     */
    private record Token(boolean newestFirst, String filters, long fromMillis, long afterMillis, String afterId) {

        String encode() {
            String afterIdEncoded =
                    Base64.getUrlEncoder().withoutPadding().encodeToString(afterId.getBytes(StandardCharsets.UTF_8));
            String text = String.join(
                    "|",
                    TOKEN_VERSION,
                    newestFirst ? "N" : "O",
                    filters,
                    Long.toString(fromMillis),
                    Long.toString(afterMillis),
                    afterIdEncoded);
            return Base64.getUrlEncoder().withoutPadding().encodeToString(text.getBytes(StandardCharsets.UTF_8));
        }

        static Token parse(String token) {
            try {
                String text = new String(Base64.getUrlDecoder().decode(token.strip()), StandardCharsets.UTF_8);
                List<String> parts = List.of(text.split("\\|", -1));
                if (parts.size() != 6
                        || !parts.get(0).equals(TOKEN_VERSION)
                        || !(parts.get(1).equals("N") || parts.get(1).equals("O"))
                        || !parts.get(2).matches("[0-9a-f]{24}")) {
                    throw new IllegalArgumentException("unknown nextToken: it was not issued by this store");
                }
                String afterId = new String(Base64.getUrlDecoder().decode(parts.get(5)), StandardCharsets.UTF_8);
                return new Token(
                        parts.get(1).equals("N"),
                        parts.get(2),
                        Long.parseLong(parts.get(3)),
                        Long.parseLong(parts.get(4)),
                        afterId);
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
