package io.actiontrail.spring.console;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.actiontrail.ActionTrail;
import io.actiontrail.AuditEvent;
import io.actiontrail.EventRW;
import io.actiontrail.EventType;
import io.actiontrail.JournalStatus;
import io.actiontrail.Outcome;
import io.actiontrail.UserIdentity;
import io.actiontrail.insights.CounterKey;
import io.actiontrail.insights.CounterSeries;
import io.actiontrail.insights.InsightType;
import io.actiontrail.insights.InsightsStatus;
import io.actiontrail.query.Aggregation;
import io.actiontrail.query.AggregationResult;
import io.actiontrail.query.Attribute;
import io.actiontrail.query.Condition;
import io.actiontrail.query.EventStore;
import io.actiontrail.query.LookupQuery;
import io.actiontrail.query.LookupResult;
import io.actiontrail.query.ReadOnlyJournal;
import io.actiontrail.query.SearchSyntax;
import io.actiontrail.query.SearchSyntaxException;
import io.actiontrail.spring.AuditIdentityProvider;
import io.actiontrail.spring.ConsoleTenantResolver;
import io.actiontrail.trail.Trail;
import io.actiontrail.trail.TrailStatus;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Answers the ActionTrail API's requests, below its base path, for a caller already allowed in: reads the query,
 * asks the store (the local journal, or the fleet-wide store with {@code store=fleet}), writes JSON (or CSV and NDJSON
 * for exports), and records each call as an event of its own — {@code LookupEvents}, {@code GetEvent},
 * {@code GetEventCounts}, {@code DescribeTrails}, {@code ExportEvents}: a read, through the console — so that reading
 * the trail leaves a trail. A caller's tenant, when a {@link ConsoleTenantResolver} is present, restricts every read.
 * Only {@code GET} (and {@code POST} for {@code LookupEvents}): nothing here changes state. Thread-safe.
 *
 * <p>Over 500 lines on purpose: each endpoint is a few lines of parameters and JSON around one store call, and all of
 * them share the tenant scoping, the error answers and the audit of the call, which are the parts that must not
 * drift apart; the formats it writes are in {@link CsvRows} and {@link LookupAttributes}.
 */
final class ConsoleApi {

    /** The most events one export writes: the journal's whole retention of a busy service is not one download. */
    static final long MAX_EXPORT_EVENTS = 10_000_000;

    private static final JsonFactory JSON = new JsonFactory();

    private final ActionTrail actionTrail;
    private final EventStore local;
    private final @Nullable EventStore fleet;
    private final @Nullable ConsoleTenantResolver tenants;
    private final @Nullable AuditIdentityProvider identities;

    /**
     * {@code local} is what the API reads unless the caller asks for {@code store=fleet}: the application's journal,
     * or another directory's journal opened read-only; {@code actionTrail} records the audit of each call.
     */
    ConsoleApi(
            ActionTrail actionTrail,
            EventStore local,
            @Nullable EventStore fleet,
            @Nullable ConsoleTenantResolver tenants,
            @Nullable AuditIdentityProvider identities) {
        this.actionTrail = actionTrail;
        this.local = local;
        this.fleet = fleet;
        this.tenants = tenants;
        this.identities = identities;
    }

    /** A request the API refuses to answer: the status and a message safe to show. */
    static final class BadRequest extends RuntimeException {
        private static final long serialVersionUID = 1L;

        private final int status;
        private final int position;

        BadRequest(int status, String message, int position) {
            super(message, null, false, false);
            this.status = status;
            this.position = position;
        }
    }

    /** The operation a path names, for the audit event of a refused call too. */
    static String operation(String path) {
        if (path.startsWith("/events/")) {
            return "GetEvent";
        }
        return switch (path) {
            case "/counts" -> "GetEventCounts";
            case "/trails" -> "DescribeTrails";
            case "/insights" -> "DescribeInsights";
            case "/insights/counters" -> "GetInsightCounters";
            case "/export" -> "ExportEvents";
            case "/openapi.json" -> "GetApiDescription";
            default -> "LookupEvents";
        };
    }

    /**
     * Answers one request; {@code path} is the part after the base path ({@code /events}, {@code /events/{id}}, …).
     * Writes the response, an error included.
     */
    void handle(String path, HttpServletRequest request, HttpServletResponse response) throws IOException {
        String operation = operation(path);
        Map<String, @Nullable Object> parameters = parameters(request);
        try {
            if (!"GET".equals(request.getMethod())
                    && !("POST".equals(request.getMethod()) && path.equals("/LookupEvents"))) {
                response.setHeader("Allow", path.equals("/LookupEvents") ? "GET, POST" : "GET");
                throw new BadRequest(405, "only GET reads the trail here", -1);
            }
            @Nullable String tenant = tenant(request);
            switch (path) {
                case "/events" -> events(request, response, tenant);
                case "/timeline" -> timeline(request, response, tenant);
                case "/counts" -> counts(request, response, tenant);
                case "/trails" -> trails(response);
                case "/insights" -> insights(response, tenant);
                case "/insights/counters" -> insightCounters(request, response, tenant);
                case "/export" -> export(request, response, tenant);
                case "/LookupEvents" -> lookupEvents(request, response, tenant);
                case "/openapi.json" -> description(response);
                default -> {
                    if (path.startsWith("/events/") && path.length() > "/events/".length()) {
                        event(path.substring("/events/".length()), request, response, tenant);
                    } else {
                        throw new BadRequest(404, "no such resource in the ActionTrail API: " + path, -1);
                    }
                }
            }
            audit(operation, parameters, null, 0);
        } catch (BadRequest e) {
            audit(operation, parameters, e.getMessage(), e.status);
            error(response, e.status, String.valueOf(e.getMessage()), e.position);
        } catch (SearchSyntaxException e) {
            audit(operation, parameters, e.getMessage(), 400);
            error(response, 400, String.valueOf(e.getMessage()), e.position());
        } catch (IllegalArgumentException e) {
            audit(operation, parameters, e.getMessage(), 400);
            error(response, 400, String.valueOf(e.getMessage()), -1);
        } catch (UncheckedIOException e) {
            audit(operation, parameters, "the event store could not answer", 502);
            error(response, 502, "the event store could not answer: " + e.getMessage(), -1);
        }
    }

    /** Records a call refused before it was answered (401 or 403) as a {@code Denied} read. */
    void refused(String path, HttpServletRequest request, int status, String reason) {
        audit(operation(path), parameters(request), reason, status);
    }

    private @Nullable String tenant(HttpServletRequest request) {
        ConsoleTenantResolver resolver = tenants;
        if (resolver == null) {
            return null;
        }
        String tenant = resolver.tenant(request);
        if (tenant == null || tenant.isBlank()) {
            throw new BadRequest(403, "the caller's tenant is not known; the trail is scoped by tenant", -1);
        }
        return tenant;
    }

    // ---------------------------------------------------------------- queries

    private EventStore store(HttpServletRequest request) {
        String store = request.getParameter("store");
        if (store == null || store.equals("local")) {
            return local;
        }
        if (store.equals("fleet")) {
            EventStore shared = fleet;
            if (shared == null) {
                throw new BadRequest(400, "store=fleet: no fleet-wide event store is configured", -1);
            }
            return shared;
        }
        throw new BadRequest(400, "store must be local or fleet: " + store, -1);
    }

    private static LookupQuery.Builder search(HttpServletRequest request) {
        String q = request.getParameter("q");
        return SearchSyntax.parse(q == null ? "" : q);
    }

    private static LookupQuery.Builder page(LookupQuery.Builder query, HttpServletRequest request) {
        String max = request.getParameter("maxResults");
        if (max != null) {
            try {
                query.maxResults(Integer.parseInt(max.strip()));
            } catch (NumberFormatException e) {
                throw new BadRequest(400, "maxResults must be a number from 1 to 1000: " + max, -1);
            }
        }
        String token = request.getParameter("nextToken");
        if (token != null && !token.isEmpty()) {
            query.nextToken(token);
        }
        return query;
    }

    private static LookupQuery scoped(LookupQuery.Builder query, @Nullable String tenant) {
        if (tenant != null) {
            query.clear(Attribute.ACCOUNT_ID).where(Condition.is(Attribute.ACCOUNT_ID, tenant));
        }
        return query.build();
    }

    private void events(HttpServletRequest request, HttpServletResponse response, @Nullable String tenant)
            throws IOException {
        LookupQuery query = scoped(page(search(request), request), tenant);
        writePage(response, store(request).lookup(query));
    }

    private void timeline(HttpServletRequest request, HttpServletResponse response, @Nullable String tenant)
            throws IOException {
        String type = request.getParameter("type");
        String name = request.getParameter("name");
        if (type == null || type.isEmpty() || name == null || name.isEmpty()) {
            throw new BadRequest(400, "a timeline needs the resource's type and name: ?type=Order&name=o-1", -1);
        }
        LookupQuery query = scoped(page(LookupQuery.timeline(type, name), request), tenant);
        writePage(response, store(request).lookup(query));
    }

    private void event(String id, HttpServletRequest request, HttpServletResponse response, @Nullable String tenant)
            throws IOException {
        LookupQuery.Builder query =
                LookupQuery.builder().eventId(id).startTime(Instant.EPOCH).maxResults(1);
        List<AuditEvent> found = store(request).lookup(scoped(query, tenant)).events();
        if (found.isEmpty()) {
            throw new BadRequest(404, "no event " + id, -1);
        }
        byte[] body = found.get(0).toJson().getBytes(StandardCharsets.UTF_8);
        json(response, 200);
        response.getOutputStream().write(body);
    }

    private void counts(HttpServletRequest request, HttpServletResponse response, @Nullable String tenant)
            throws IOException {
        LookupQuery query = scoped(search(request), tenant);
        Duration bucket = null;
        String bucketText = request.getParameter("bucket");
        if (bucketText != null && !bucketText.isEmpty()) {
            try {
                bucket = Duration.parse(bucketText);
            } catch (DateTimeParseException e) {
                throw new BadRequest(400, "bucket must be an ISO-8601 duration such as PT1H: " + bucketText, -1);
            }
        }
        Attribute by = null;
        String byText = request.getParameter("by");
        if (byText != null && !byText.isEmpty()) {
            by = SearchSyntax.KEYS.get(byText);
            if (by == null) {
                throw new BadRequest(
                        400,
                        "by must be one of "
                                + SearchSyntax.KEYS.keySet().stream().sorted().toList() + ": " + byText,
                        -1);
            }
        }
        int top = 10;
        String topText = request.getParameter("top");
        if (topText != null && !topText.isEmpty()) {
            try {
                top = Integer.parseInt(topText.strip());
            } catch (NumberFormatException e) {
                throw new BadRequest(400, "top must be a number from 1 to " + Aggregation.MAX_TOP + ": " + topText, -1);
            }
        }
        if (bucket == null && by == null) {
            bucket = Duration.ofHours(1); // the volume over the range: what a caller asking for counts wants first
        }
        AggregationResult result = store(request).aggregate(new Aggregation(query, bucket, by, top));
        json(response, 200);
        try (JsonGenerator g = JSON.createGenerator(response.getOutputStream(), JsonEncoding.UTF8)) {
            g.writeStartObject();
            g.writeNumberField("matched", result.matched());
            g.writeArrayFieldStart("buckets");
            for (AggregationResult.Bucket b : result.buckets()) {
                g.writeStartObject();
                g.writeStringField("start", b.start().toString());
                g.writeNumberField("count", b.count());
                g.writeNumberField("failures", b.failures());
                g.writeNumberField("denials", b.denials());
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeArrayFieldStart("top");
            for (AggregationResult.ValueCount v : result.top()) {
                g.writeStartObject();
                g.writeStringField("value", v.value());
                g.writeNumberField("count", v.count());
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeEndObject();
        }
    }

    private void trails(HttpServletResponse response) throws IOException {
        if (local instanceof ReadOnlyJournal copy) {
            readOnlyTrails(response, copy);
            return;
        }
        json(response, 200);
        try (JsonGenerator g = JSON.createGenerator(response.getOutputStream(), JsonEncoding.UTF8)) {
            g.writeStartObject();
            g.writeArrayFieldStart("trails");
            for (Trail trail : actionTrail.trails()) {
                TrailStatus status = actionTrail.status(trail.name());
                g.writeStartObject();
                g.writeStringField("name", status.name());
                g.writeBooleanField("isLogging", status.isLogging());
                g.writeArrayFieldStart("sinks");
                for (TrailStatus.SinkStatus sink : status.sinks()) {
                    g.writeStartObject();
                    g.writeStringField("sink", sink.sink());
                    g.writeNumberField("recorded", sink.recorded());
                    g.writeNumberField("delivered", sink.delivered());
                    g.writeNumberField("pending", sink.pending());
                    g.writeObjectFieldStart("dropped");
                    for (Map.Entry<String, Long> d : sink.dropped().entrySet()) {
                        g.writeNumberField(d.getKey(), d.getValue());
                    }
                    g.writeEndObject();
                    optional(g, "latestDeliveryTime", sink.latestDeliveryTime());
                    optional(g, "latestDeliveryError", sink.latestDeliveryError());
                    optional(g, "latestDeliveryErrorTime", sink.latestDeliveryErrorTime());
                    optional(g, "oldestPendingEventTime", sink.oldestPendingEventTime());
                    g.writeEndObject();
                }
                g.writeEndArray();
                g.writeEndObject();
            }
            g.writeEndArray();
            JournalStatus journal = actionTrail.journalStatus();
            g.writeObjectFieldStart("journal");
            g.writeStringField("durability", journal.durability().name());
            g.writeNumberField("segments", journal.segments());
            g.writeNumberField("diskBytes", journal.diskBytes());
            g.writeNumberField("events", journal.nextPosition() - journal.firstPosition());
            g.writeBooleanField("degraded", journal.degraded());
            optional(g, "degradedError", journal.degradedError());
            g.writeEndObject();
            g.writeEndObject();
        }
    }

    /** The state of insight detection: whether it runs, what it tracks, what it started. */
    private void insights(HttpServletResponse response, @Nullable String tenant) throws IOException {
        untenanted(tenant);
        InsightsStatus status = actionTrail.insightsStatus();
        json(response, 200);
        try (JsonGenerator g = JSON.createGenerator(response.getOutputStream(), JsonEncoding.UTF8)) {
            g.writeStartObject();
            g.writeBooleanField("enabled", status.enabled());
            g.writeNumberField("position", status.position());
            g.writeNumberField("eventsCounted", status.eventsCounted());
            g.writeNumberField("eventsReadBack", status.eventsReadBack());
            g.writeNumberField("keys", status.keys());
            g.writeNumberField("keysRefused", status.keysRefused());
            g.writeNumberField("openInsights", status.openInsights());
            g.writeObjectFieldStart("started");
            for (Map.Entry<InsightType, Long> e : new java.util.TreeMap<>(status.started()).entrySet()) {
                g.writeNumberField(e.getKey().wireName(), e.getValue());
            }
            g.writeEndObject();
            optional(g, "lastBaseline", status.lastBaseline());
            optional(g, "lastError", status.lastError());
            g.writeEndObject();
        }
    }

    /**
     * One insight counter's rollup: {@code kind} (API_CALL, API_ERROR, PRINCIPAL, ACCESS_KEY), {@code name}, {@code
     * qualifier} (the service or error code), {@code from}, {@code to} (ISO instants; the last day by default) and
     * {@code resolution} ({@code PT1M}, {@code PT5M} or {@code PT1H}).
     */
    private void insightCounters(HttpServletRequest request, HttpServletResponse response, @Nullable String tenant)
            throws IOException {
        untenanted(tenant);
        String kindName = request.getParameter("kind");
        String name = request.getParameter("name");
        if (kindName == null || name == null || name.isEmpty()) {
            throw new BadRequest(400, "kind and name are required", -1);
        }
        CounterKey.Kind kind;
        try {
            kind = CounterKey.Kind.valueOf(kindName.toUpperCase(java.util.Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new BadRequest(400, "kind must be API_CALL, API_ERROR, PRINCIPAL or ACCESS_KEY: " + kindName, -1);
        }
        String qualifier = request.getParameter("qualifier");
        Instant to = instant(request, "to");
        Instant end = to == null ? Instant.now() : to;
        Instant from = instant(request, "from");
        Instant start = from == null ? end.minus(Duration.ofDays(1)) : from;
        String resolutionText = request.getParameter("resolution");
        Duration resolution;
        try {
            resolution = resolutionText == null ? Duration.ofMinutes(1) : Duration.parse(resolutionText);
        } catch (java.time.format.DateTimeParseException e) {
            throw new BadRequest(400, "resolution must be PT1M, PT5M or PT1H: " + resolutionText, -1);
        }
        if (!start.isBefore(end)) {
            throw new BadRequest(400, "from must be before to", -1);
        }
        CounterSeries series = actionTrail.insightCounters(
                new CounterKey(kind, name, qualifier == null ? "" : qualifier), start, end, resolution);
        json(response, 200);
        try (JsonGenerator g = JSON.createGenerator(response.getOutputStream(), JsonEncoding.UTF8)) {
            g.writeStartObject();
            g.writeStringField("kind", series.key().kind().name());
            g.writeStringField("name", series.key().name());
            g.writeStringField("qualifier", series.key().qualifier());
            g.writeStringField("resolution", series.resolution().toString());
            g.writeNumberField("total", series.total());
            g.writeArrayFieldStart("points");
            for (CounterSeries.Point point : series.points()) {
                g.writeStartObject();
                g.writeStringField("start", point.start().toString());
                g.writeNumberField("count", point.count());
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeEndObject();
        }
    }

    /**
     * Insight counters and status span every tenant: a caller scoped to one tenant is refused them (its insight events
     * are found, scoped, through the search).
     */
    private static void untenanted(@Nullable String tenant) {
        if (tenant != null) {
            throw new BadRequest(
                    403, "insight counters span every tenant; a tenant-scoped caller cannot read them", -1);
        }
    }

    /**
     * The trails page over a journal opened read-only (the standalone command): the trails of the instance that wrote
     * it do not run here, so there are none to show, and the journal is described from its directory, never by this
     * server's own in-memory instance.
     */
    private static void readOnlyTrails(HttpServletResponse response, ReadOnlyJournal copy) throws IOException {
        long segments = 0;
        long bytes = 0;
        try (java.util.stream.Stream<java.nio.file.Path> files = java.nio.file.Files.list(copy.directory())) {
            for (java.nio.file.Path file : files.toList()) {
                if (file.getFileName().toString().endsWith(".jsonl")) {
                    segments++;
                    bytes += java.nio.file.Files.size(file);
                }
            }
        } catch (java.nio.file.NoSuchFileException e) {
            // a directory removed while served: nothing on disk
        }
        json(response, 200);
        try (JsonGenerator g = JSON.createGenerator(response.getOutputStream(), JsonEncoding.UTF8)) {
            g.writeStartObject();
            g.writeArrayFieldStart("trails");
            g.writeEndArray();
            g.writeStringField("readOnly", copy.directory().toString());
            g.writeObjectFieldStart("journal");
            g.writeStringField("durability", "read-only");
            g.writeNumberField("segments", segments);
            g.writeNumberField("diskBytes", bytes);
            g.writeNumberField("events", copy.nextPosition() - copy.firstPosition());
            g.writeBooleanField("degraded", false);
            g.writeEndObject();
            g.writeEndObject();
        }
    }

    private static void optional(JsonGenerator g, String field, @Nullable Object value) throws IOException {
        if (value != null) {
            g.writeStringField(field, value.toString());
        }
    }

    private void export(HttpServletRequest request, HttpServletResponse response, @Nullable String tenant)
            throws IOException {
        String format = request.getParameter("format");
        boolean csv;
        if (format == null || format.equals("ndjson")) {
            csv = false;
        } else if (format.equals("csv")) {
            csv = true;
        } else {
            throw new BadRequest(400, "format must be csv or ndjson: " + format, -1);
        }
        LookupQuery.Builder builder = search(request).maxResults(LookupQuery.MAX_MAX_RESULTS);
        LookupQuery first = builder.build();
        if (first.startTime() == null) {
            builder.startTime(Instant.EPOCH); // the whole retention unless the search says otherwise
        }
        LookupQuery query = scoped(builder, tenant);
        EventStore store = store(request);
        LookupResult page = store.lookup(query); // errors surface before anything is written
        response.setStatus(200);
        response.setContentType(csv ? "text/csv;charset=UTF-8" : "application/x-ndjson");
        response.setHeader(
                "Content-Disposition", "attachment; filename=\"actiontrail-events." + (csv ? "csv" : "ndjson") + "\"");
        response.setHeader("X-Content-Type-Options", "nosniff");
        OutputStream out = response.getOutputStream();
        if (csv) {
            out.write(CsvRows.header());
        }
        long written = 0;
        while (true) {
            for (AuditEvent e : page.events()) {
                out.write(csv ? CsvRows.row(e) : (e.toJson() + "\n").getBytes(StandardCharsets.UTF_8));
                written++;
            }
            LookupQuery next = query.next(page);
            if (next == null || written >= MAX_EXPORT_EVENTS) {
                break;
            }
            page = store.lookup(next);
        }
        out.flush();
    }

    /** The OpenAPI document of this API, from the jar. */
    private static void description(HttpServletResponse response) throws IOException {
        try (var in = ConsoleApi.class.getResourceAsStream("openapi.json")) {
            if (in == null) {
                throw new IllegalStateException("openapi.json is missing from the jar");
            }
            json(response, 200);
            in.transferTo(response.getOutputStream());
        }
    }

    /** The ActionTrail {@code LookupEvents} shape: {@code LookupAttribute.N.Key/Value}, times, page. */
    private void lookupEvents(HttpServletRequest request, HttpServletResponse response, @Nullable String tenant)
            throws IOException {
        LookupQuery.Builder query = LookupQuery.builder();
        for (int n = 1; n <= 50; n++) {
            String key = request.getParameter("LookupAttribute." + n + ".Key");
            String value = request.getParameter("LookupAttribute." + n + ".Value");
            if (key == null && value == null) {
                continue;
            }
            if (key == null || value == null) {
                throw new BadRequest(400, "LookupAttribute." + n + " needs both Key and Value", -1);
            }
            LookupAttributes.apply(query, key, value);
        }
        Instant start = instant(request, "StartTime");
        Instant end = instant(request, "EndTime");
        query.startTime(start).endTime(end);
        String max = request.getParameter("MaxResults");
        if (max != null) {
            try {
                query.maxResults(Integer.parseInt(max.strip()));
            } catch (NumberFormatException e) {
                throw new BadRequest(400, "MaxResults must be a number from 1 to 1000: " + max, -1);
            }
        }
        String token = request.getParameter("NextToken");
        if (token != null && !token.isEmpty()) {
            query.nextToken(token);
        }
        LookupResult result = store(request).lookup(scoped(query, tenant));
        json(response, 200);
        try (JsonGenerator g = JSON.createGenerator(response.getOutputStream(), JsonEncoding.UTF8)) {
            g.writeStartObject();
            g.writeStringField("RequestId", java.util.UUID.randomUUID().toString());
            optional(g, "StartTime", start);
            optional(g, "EndTime", end);
            g.writeArrayFieldStart("Events");
            for (AuditEvent e : result.events()) {
                g.writeRawValue(e.toJson());
            }
            g.writeEndArray();
            optional(g, "NextToken", result.nextToken());
            g.writeEndObject();
        }
    }

    private static @Nullable Instant instant(HttpServletRequest request, String name) {
        String text = request.getParameter(name);
        if (text == null || text.isEmpty()) {
            return null;
        }
        try {
            return Instant.parse(text);
        } catch (DateTimeParseException e) {
            throw new BadRequest(400, name + " must be an ISO-8601 instant such as 2026-12-01T00:00:00Z: " + text, -1);
        }
    }

    // ---------------------------------------------------------------- output

    private static void json(HttpServletResponse response, int status) {
        response.setStatus(status);
        response.setContentType("application/json");
        response.setCharacterEncoding("UTF-8");
        response.setHeader("Cache-Control", "no-store");
        response.setHeader("X-Content-Type-Options", "nosniff");
    }

    private static void writePage(HttpServletResponse response, LookupResult result) throws IOException {
        json(response, 200);
        try (JsonGenerator g = JSON.createGenerator(response.getOutputStream(), JsonEncoding.UTF8)) {
            g.writeStartObject();
            g.writeArrayFieldStart("events");
            for (AuditEvent e : result.events()) {
                g.writeRawValue(e.toJson());
            }
            g.writeEndArray();
            optional(g, "nextToken", result.nextToken());
            g.writeEndObject();
        }
    }

    static void error(HttpServletResponse response, int status, String message, int position) throws IOException {
        if (response.isCommitted()) {
            return; // an export failed mid-stream: the connection ends short
        }
        response.resetBuffer();
        json(response, status);
        try (JsonGenerator g = JSON.createGenerator(response.getOutputStream(), JsonEncoding.UTF8)) {
            g.writeStartObject();
            g.writeNumberField("status", status);
            g.writeStringField("error", message);
            if (position >= 0) {
                g.writeNumberField("position", position);
            }
            g.writeEndObject();
        }
    }

    // ---------------------------------------------------------------- the audit of the audit

    private static Map<String, @Nullable Object> parameters(HttpServletRequest request) {
        Map<String, @Nullable Object> parameters = new LinkedHashMap<>();
        request.getParameterMap().forEach((k, v) -> {
            if (!k.equals("nextToken") && !k.equals("NextToken")) {
                parameters.put(k, v.length == 1 ? v[0] : List.of(v));
            }
        });
        parameters.put("path", request.getRequestURI());
        return parameters;
    }

    private void audit(String operation, Map<String, @Nullable Object> parameters, @Nullable String error, int status) {
        AuditEvent.Builder b = AuditEvent.builder(operation)
                .eventRW(EventRW.READ)
                .eventType(EventType.CONSOLE_OPERATION)
                .resource("Trail", "journal")
                .requestParameters(parameters);
        AuditIdentityProvider provider = identities;
        UserIdentity identity = provider == null ? null : provider.currentIdentity();
        if (identity != null) {
            b.userIdentity(identity);
        }
        if (error == null) {
            b.outcome(Outcome.SUCCESS);
        } else {
            b.outcome(status == 401 || status == 403 ? Outcome.DENIED : Outcome.FAILURE)
                    .errorCode(
                            switch (status) {
                                case 401 -> "Unauthorized";
                                case 403 -> "Forbidden";
                                case 404 -> "NotFound";
                                case 405 -> "MethodNotAllowed";
                                case 502 -> "StoreUnavailable";
                                default -> "InvalidRequest";
                            })
                    .errorMessage(error);
        }
        actionTrail.record(b.build());
    }
}
