package io.actiontrail.sink.opensearch;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.actiontrail.AuditEvent;
import io.actiontrail.UserIdentity;
import io.actiontrail.sink.AuditBatch;
import io.actiontrail.sink.DeliveryException;
import io.actiontrail.transport.http.HttpTransport;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import okhttp3.OkHttpClient;
import okio.Buffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What an Elasticsearch index holds after the sink wrote to it, and how the sink reads Elasticsearch's answers:
 * the template it installs, the field types Elasticsearch reports, searches, no duplicates on re-delivery, a mapping
 * conflict, and items that fail while others succeed.
 */
abstract class ElasticsearchAuditSinkTest {

    /** The node the tests run against. */
    abstract ElasticsearchNode node();

    private static final Instant DAY1 = Instant.parse("2026-03-14T23:59:58Z");
    private static final Instant DAY2 = Instant.parse("2026-03-15T00:00:01Z");

    /** The bodies of the {@code _bulk} requests the sink sent. */
    private final List<String> bulkBodies = new CopyOnWriteArrayList<>();

    /** The {@code Warning} headers of the answers to the sink: Elasticsearch announces there what it will remove. */
    private final List<String> warnings = new CopyOnWriteArrayList<>();

    private OkHttpClient recording;
    private String index;

    @BeforeEach
    void setUp() {
        index = ElasticsearchNode.freshIndex("sink");
        recording = new OkHttpClient.Builder()
                .addInterceptor(chain -> {
                    okhttp3.Request request = chain.request();
                    if (request.url().encodedPath().endsWith("/_bulk") && request.body() != null) {
                        Buffer buffer = new Buffer();
                        request.body().writeTo(buffer);
                        bulkBodies.add(buffer.readString(StandardCharsets.UTF_8));
                    }
                    okhttp3.Response response = chain.proceed(request);
                    for (String warning : response.headers("Warning")) {
                        warnings.add(request.method() + " " + request.url().encodedPath() + ": " + warning);
                    }
                    return response;
                })
                .build();
    }

    @AfterEach
    void tearDown() {
        recording.dispatcher().executorService().shutdown();
        recording.connectionPool().evictAll();
        assertThat(warnings)
                .as("deprecation warnings in answers to the sink's requests")
                .isEmpty();
    }

    private OpenSearchConnection connection() {
        return OpenSearchConnection.builder(node().url())
                .transport(HttpTransport.builder().client(recording).build())
                .build();
    }

    private OpenSearchAuditSink sink(OpenSearchConnection connection) {
        return OpenSearchAuditSink.builder(connection).index(index).build();
    }

    /** Installs the template before a test creates an index of its own, as a sink's first write would. */
    private void installTemplate() throws DeliveryException {
        try (OpenSearchConnection connection = connection();
                OpenSearchAuditSink sink = sink(connection)) {
            sink.ensureTemplate();
        }
    }

    private static List<AuditEvent> events(String name, Instant time, int count) {
        List<AuditEvent> events = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            events.add(AuditEvent.builder(name)
                    .eventTime(time.plusMillis(i))
                    .userIdentity(UserIdentity.user("u-" + i, "alice"))
                    .resource("Order", "o-" + i)
                    .requestParameter("id", i % 2 == 0 ? (Object) i : "text-" + i)
                    .durationMs(12L)
                    .build());
        }
        return events;
    }

    private DeliveryException failureOf(OpenSearchAuditSink sink, AuditBatch batch) {
        try {
            sink.write(batch);
        } catch (DeliveryException e) {
            return e;
        }
        throw new AssertionError("write succeeded");
    }

    private static int bulkItems(String body) {
        return (int) body.lines().filter(l -> l.startsWith("{\"create\"")).count();
    }

    @Test
    void runsAgainstTheExpectedElasticsearchVersion() {
        assertThat(node().expectedVersion()).isNotEmpty();
        assertThat(node().version()).isEqualTo(node().expectedVersion());
    }

    /** Without this, the check after each test that the sink's requests draw no warning could not fail. */
    @Test
    void theNodeAnswersDeprecatedRequestsWithAWarningHeader() throws Exception {
        String[] post = node().deprecatedPost();
        okhttp3.Request request = new okhttp3.Request.Builder()
                .url(node().url() + post[0])
                .post(okhttp3.RequestBody.create(post[1].getBytes(StandardCharsets.UTF_8), Json.JSON))
                .build();
        try (okhttp3.Response response = recording.newCall(request).execute()) {
            assertThat(response.code()).isEqualTo(200);
        }

        assertThat(warnings).hasSize(1).allSatisfy(w -> assertThat(w).contains("deprecated"));
        warnings.clear();
    }

    @Test
    void installsItsTemplateSoThatEachDailyIndexGetsTheMappings() throws Exception {
        installTemplate();

        JsonNode templates =
                node().call("GET", "/_index_template/" + index, null).path("index_templates");
        assertThat(templates).hasSize(1);
        JsonNode template = templates.get(0).path("index_template");
        assertThat(template.path("index_patterns").get(0).asText()).isEqualTo(index + "-*");
        assertThat(template.path("priority").asInt()).isEqualTo(100);

        node().call("PUT", "/" + index + "-2026.01.01", null);
        JsonNode settings = node().call("GET", "/" + index + "-2026.01.01/_settings", null)
                .path(index + "-2026.01.01")
                .path("settings")
                .path("index");
        assertThat(settings.path("number_of_shards").asText()).isEqualTo("1");
        JsonNode mapping = node().call("GET", "/" + index + "-2026.01.01/_mapping", null)
                .path(index + "-2026.01.01")
                .path("mappings");
        assertThat(mapping.path("properties").path("eventTime").path("type").asText())
                .isEqualTo("date");
        assertThat(mapping.path("dynamic_templates").get(0).has("strings_as_keywords"))
                .isTrue();
    }

    @Test
    void indexesDocumentsInDailyIndicesWithKeywordFieldsAndADateEventTime() throws Exception {
        try (OpenSearchConnection connection = connection();
                OpenSearchAuditSink sink = sink(connection)) {
            sink.write(AuditBatch.ofEvents(events("CreateOrder", DAY1, 2)));
            sink.write(AuditBatch.ofEvents(events("CreateOrder", DAY2, 3)));
        }

        JsonNode mapping = node().call("GET", "/" + index + "-2026.03.14/_mapping", null)
                .path(index + "-2026.03.14")
                .path("mappings");
        assertThat(mapping.has("_doc"))
                .as("typeless mappings, as the sink writes them")
                .isFalse();
        JsonNode properties = mapping.path("properties");
        assertThat(properties.path("eventTime").path("type").asText()).isEqualTo("date");
        assertThat(properties.path("eventName").path("type").asText()).isEqualTo("keyword");
        assertThat(properties.path("eventId").path("type").asText()).isEqualTo("keyword");
        assertThat(properties.path("eventId").path("ignore_above").asInt()).isEqualTo(IndexTemplate.IGNORE_ABOVE);
        assertThat(properties.path("durationMs").path("type").asText()).isEqualTo("long");
        JsonNode identity = properties.path("userIdentity").path("properties");
        assertThat(identity.path("userName").path("type").asText()).isEqualTo("keyword");
        assertThat(identity.path("sessionContext")
                        .path("properties")
                        .path("creationDate")
                        .path("type")
                        .asText())
                .isEqualTo("date");
        assertThat(properties.path("requestParameters").path("enabled").asBoolean(true))
                .as("free-form parameters are kept, not indexed: numbers and strings under one key do not conflict")
                .isFalse();
        node().refresh(index);
        assertThat(node().call("GET", "/" + index + "-2026.03.15/_count", null)
                        .path("count")
                        .asInt())
                .isEqualTo(3);

        JsonNode exact = node().call(
                        "POST",
                        "/" + index + "-*/_search",
                        "{\"query\":{\"bool\":{\"filter\":[{\"term\":{\"userIdentity.userName\":\"alice\"}},"
                                + "{\"term\":{\"resourceName\":\"o-1\"}},{\"range\":{\"eventTime\":{\"gte\":\"2026-03-15T00:00:00Z\"}}}]}}}");
        assertThat(exact.path("hits").path("total").path("value").asInt())
                .as("keyword term and date range")
                .isEqualTo(1);
        JsonNode partial = node().call(
                        "POST", "/" + index + "-*/_search", "{\"query\":{\"term\":{\"eventName\":\"createorder\"}}}");
        assertThat(partial.path("hits").path("total").path("value").asInt())
                .as("keywords are not analysed")
                .isZero();
        JsonNode sorted = node().call(
                        "POST",
                        "/" + index + "-*/_search",
                        "{\"size\":1,\"sort\":[{\"eventTime\":\"desc\"}],\"track_total_hits\":false}")
                .path("hits");
        assertThat(sorted.has("total"))
                .as("track_total_hits false leaves the total out")
                .isFalse();
        assertThat(sorted.path("hits").get(0).path("sort").get(0).asLong())
                .as("a date sorts by its epoch milliseconds, which the store's page tokens carry")
                .isEqualTo(DAY2.plusMillis(2).toEpochMilli());
        assertThat(sorted.path("hits").get(0).path("_source").path("eventTime").asText())
                .as("the document keeps the event's own text")
                .isEqualTo("2026-03-15T00:00:01.002Z");
    }

    @Test
    void reDeliveringABatchCreatesNoDuplicatesEvenFromAFreshSink() throws Exception {
        AuditBatch batch = AuditBatch.ofEvents(events("Again", DAY1, 20));
        try (OpenSearchConnection connection = connection()) {
            try (OpenSearchAuditSink sink = sink(connection)) {
                sink.write(batch);
                sink.write(batch);
            }
            try (OpenSearchAuditSink restarted = sink(connection)) {
                restarted.write(batch);
            }
        }

        assertThat(node().hits(index)).hasSize(20);
        assertThat(bulkBodies).hasSize(3).allSatisfy(body -> assertThat(bulkItems(body))
                .isEqualTo(20));
        JsonNode again = node().call(
                        "POST", "/_bulk", bulkBodies.get(0).lines().limit(2).reduce("", (a, line) -> a + line + "\n"));
        JsonNode item = again.path("items").get(0).path("create");
        assertThat(item.path("status").asInt())
                .as("what the sink counts as already delivered")
                .isEqualTo(409);
        assertThat(item.path("error").path("type").asText()).isEqualTo("version_conflict_engine_exception");
    }

    @Test
    void aMappingConflictIsReportedAsPermanentWithTheErrorTypeAndTheRestIsIndexed() throws Exception {
        installTemplate();
        node().call(
                        "PUT",
                        "/" + index + "-2026.03.14",
                        "{\"mappings\":{\"properties\":{\"resourceName\":{\"type\":\"long\"}}}}");
        List<AuditEvent> all = new ArrayList<>(events("Conflict", DAY1, 2));
        all.addAll(events("Fine", DAY2, 3));

        try (OpenSearchConnection connection = connection();
                OpenSearchAuditSink sink = sink(connection)) {
            DeliveryException e = failureOf(sink, AuditBatch.ofEvents(all));

            assertThat(e.isRetryable()).isFalse();
            assertThat(e.errorCode()).isEqualTo(node().mappingConflictErrorType());
            assertThat(e.getMessage()).contains("2 of 5 events refused", "the other 3 are indexed", "resourceName");
        }
        assertThat(node().hits(index)).hasSize(3);
        assertThat(bulkBodies).as("one request; nothing is sent again").hasSize(1);
    }

    @Test
    void itemsThatFailRetryablyAreTheOnlyOnesSentAgain() throws Exception {
        installTemplate();
        node().call("PUT", "/" + index + "-2026.03.14", "{\"settings\":{\"index.blocks.write\":true}}");
        List<AuditEvent> all = new ArrayList<>(events("Blocked", DAY1, 4));
        all.addAll(events("Open", DAY2, 6));
        AuditBatch batch = AuditBatch.ofEvents(all);

        try (OpenSearchConnection connection = connection();
                OpenSearchAuditSink sink = sink(connection)) {
            DeliveryException e = failureOf(sink, batch);
            assertThat(e.isRetryable()).isTrue();
            assertThat(e.errorCode()).isEqualTo("cluster_block_exception");
            assertThat(e.getMessage()).contains("4 of 10 events not indexed yet", "(6 indexed)");
            assertThat(node().hits(index)).hasSize(6);

            node().call("PUT", "/" + index + "-2026.03.14/_settings", "{\"index.blocks.write\":false}");
            assertThat(e.delivered()).hasSize(6);
            assertThat(e.refused()).isEmpty();
            sink.write(rest(batch, e)); // what the pipeline sends again
        }

        assertThat(node().hits(index)).hasSize(10);
        assertThat(bulkBodies).hasSize(2);
        assertThat(bulkItems(bulkBodies.get(0))).isEqualTo(10);
        assertThat(bulkItems(bulkBodies.get(1))).as("only the blocked items").isEqualTo(4);
    }

    /** What the pipeline sends again after {@code failure}: the events it did not settle. */
    private static AuditBatch rest(AuditBatch batch, DeliveryException failure) {
        List<io.actiontrail.sink.AuditRecord> rest = new ArrayList<>();
        for (io.actiontrail.sink.AuditRecord record : batch.records()) {
            if (!failure.delivered().contains(record.eventId())
                    && !failure.refused().contains(record.eventId())) {
                rest.add(record);
            }
        }
        return AuditBatch.of(rest);
    }
}
