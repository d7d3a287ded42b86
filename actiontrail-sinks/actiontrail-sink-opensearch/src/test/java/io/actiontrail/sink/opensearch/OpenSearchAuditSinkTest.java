package io.actiontrail.sink.opensearch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.actiontrail.AuditEvent;
import io.actiontrail.UserIdentity;
import io.actiontrail.query.LookupQuery;
import io.actiontrail.sink.AuditBatch;
import io.actiontrail.sink.DeliveryException;
import io.actiontrail.testsupport.OpenSearchNode;
import io.actiontrail.transport.http.HttpTransport;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import okhttp3.OkHttpClient;
import okio.Buffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * What the index holds and how the sink handles each kind of answer, against a real OpenSearch node: field types,
 * searches, no duplicates on re-delivery, a mapping conflict, items that fail while others succeed, credentials.
 */
final class OpenSearchAuditSinkTest {

    @RegisterExtension
    static final OpenSearchNode NODE = new OpenSearchNode();

    private static final Instant DAY1 = Instant.parse("2026-03-14T23:59:58Z");
    private static final Instant DAY2 = Instant.parse("2026-03-15T00:00:01Z");

    /** The bodies of the {@code _bulk} requests the sink sent, and their Authorization headers. */
    private final List<String> bulkBodies = new CopyOnWriteArrayList<>();

    private final List<String> authorizations = new CopyOnWriteArrayList<>();
    private OkHttpClient recording;
    private String index;

    @BeforeEach
    void setUp() {
        index = OpenSearchNode.freshIndex("sink");
        recording = new OkHttpClient.Builder()
                .addInterceptor(chain -> {
                    okhttp3.Request request = chain.request();
                    authorizations.add(String.valueOf(request.header("Authorization")));
                    if (request.url().encodedPath().endsWith("/_bulk") && request.body() != null) {
                        Buffer buffer = new Buffer();
                        request.body().writeTo(buffer);
                        bulkBodies.add(buffer.readString(StandardCharsets.UTF_8));
                    }
                    return chain.proceed(request);
                })
                .build();
    }

    @AfterEach
    void tearDown() {
        recording.dispatcher().executorService().shutdown();
        recording.connectionPool().evictAll();
    }

    private OpenSearchConnection connection() {
        return OpenSearchConnection.builder(NODE.url())
                .transport(HttpTransport.builder().client(recording).build())
                .build();
    }

    private OpenSearchAuditSink sink(OpenSearchConnection connection) {
        return OpenSearchAuditSink.builder(connection).index(index).build();
    }

    /** Installs the template before a test creates an index of its own, as a sink's first write would. */
    private void installTemplate() throws DeliveryException {
        try (OpenSearchAuditSink sink =
                OpenSearchAuditSink.builder(NODE.url()).index(index).build()) {
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
    void indexesDocumentsInDailyIndicesWithKeywordFieldsAndADateEventTime() throws Exception {
        try (OpenSearchConnection connection = connection();
                OpenSearchAuditSink sink = sink(connection)) {
            sink.write(AuditBatch.ofEvents(events("CreateOrder", DAY1, 2)));
            sink.write(AuditBatch.ofEvents(events("CreateOrder", DAY2, 3)));
        }

        JsonNode mapping = NODE.call("GET", "/" + index + "-2026.03.14/_mapping", null)
                .path(index + "-2026.03.14")
                .path("mappings")
                .path("properties");
        assertThat(mapping.path("eventTime").path("type").asText()).isEqualTo("date");
        assertThat(mapping.path("eventName").path("type").asText()).isEqualTo("keyword");
        assertThat(mapping.path("eventId").path("type").asText()).isEqualTo("keyword");
        assertThat(mapping.path("durationMs").path("type").asText()).isEqualTo("long");
        assertThat(mapping.path("userIdentity")
                        .path("properties")
                        .path("userName")
                        .path("type")
                        .asText())
                .isEqualTo("keyword");
        assertThat(mapping.path("requestParameters").path("enabled").asBoolean(true))
                .as("free-form parameters are kept, not indexed: numbers and strings under one key do not conflict")
                .isFalse();
        NODE.refresh(index);
        assertThat(NODE.call("GET", "/" + index + "-2026.03.15/_count", null)
                        .path("count")
                        .asInt())
                .isEqualTo(3);

        NODE.refresh(index);
        JsonNode exact = NODE.call(
                "POST",
                "/" + index + "-*/_search",
                "{\"query\":{\"bool\":{\"filter\":[{\"term\":{\"userIdentity.userName\":\"alice\"}},"
                        + "{\"term\":{\"resourceName\":\"o-1\"}},{\"range\":{\"eventTime\":{\"gte\":\"2026-03-15T00:00:00Z\"}}}]}}}");
        assertThat(exact.path("hits").path("total").path("value").asInt())
                .as("keyword term and date range")
                .isEqualTo(1);
        JsonNode partial =
                NODE.call("POST", "/" + index + "-*/_search", "{\"query\":{\"term\":{\"eventName\":\"createorder\"}}}");
        assertThat(partial.path("hits").path("total").path("value").asInt())
                .as("keywords are not analysed")
                .isZero();
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

        assertThat(NODE.hits(index)).hasSize(20);
        assertThat(bulkBodies).hasSize(3).allSatisfy(body -> assertThat(bulkItems(body))
                .isEqualTo(20));
    }

    @Test
    void aMappingConflictIsReportedAsPermanentWithTheErrorTypeAndTheRestIsIndexed() throws Exception {
        installTemplate();
        NODE.call(
                "PUT",
                "/" + index + "-2026.03.14",
                "{\"mappings\":{\"properties\":{\"resourceName\":{\"type\":\"long\"}}}}");
        List<AuditEvent> all = new ArrayList<>(events("Conflict", DAY1, 2));
        all.addAll(events("Fine", DAY2, 3));

        try (OpenSearchConnection connection = connection();
                OpenSearchAuditSink sink = sink(connection)) {
            DeliveryException e = failureOf(sink, AuditBatch.ofEvents(all));

            assertThat(e.isRetryable()).isFalse();
            assertThat(e.errorCode()).isEqualTo("mapper_parsing_exception");
            assertThat(e.getMessage()).contains("2 of 5 events refused", "the other 3 are indexed", "resourceName");
        }
        assertThat(NODE.hits(index)).hasSize(3);
    }

    @Test
    void itemsThatFailRetryablyAreTheOnlyOnesSentAgain() throws Exception {
        installTemplate();
        NODE.call("PUT", "/" + index + "-2026.03.14", "{\"settings\":{\"index.blocks.write\":true}}");
        List<AuditEvent> all = new ArrayList<>(events("Blocked", DAY1, 4));
        all.addAll(events("Open", DAY2, 6));
        AuditBatch batch = AuditBatch.ofEvents(all);

        try (OpenSearchConnection connection = connection();
                OpenSearchAuditSink sink = sink(connection)) {
            DeliveryException e = failureOf(sink, batch);
            assertThat(e.isRetryable()).isTrue();
            assertThat(e.errorCode()).isEqualTo("cluster_block_exception");
            assertThat(e.getMessage()).contains("4 of 10 events not indexed yet", "(6 indexed)");
            assertThat(NODE.hits(index)).hasSize(6);

            NODE.call("PUT", "/" + index + "-2026.03.14/_settings", "{\"index.blocks.write\":false}");
            assertThat(e.delivered()).hasSize(6);
            assertThat(e.refused()).isEmpty();
            sink.write(rest(batch, e)); // what the pipeline sends again
        }

        assertThat(NODE.hits(index)).hasSize(10);
        assertThat(bulkBodies).hasSize(2);
        assertThat(bulkItems(bulkBodies.get(0))).isEqualTo(10);
        assertThat(bulkItems(bulkBodies.get(1))).as("only the blocked items").isEqualTo(4);
    }

    @Test
    void classifiesEachItemStatus() {
        for (int indexed : new int[] {200, 201, 409}) {
            assertThat(OpenSearchAuditSink.outcome(indexed)).isEqualTo(OpenSearchAuditSink.ItemOutcome.INDEXED);
        }
        for (int retry : new int[] {429, 500, 503, 404, 403, 0}) {
            assertThat(OpenSearchAuditSink.outcome(retry)).isEqualTo(OpenSearchAuditSink.ItemOutcome.RETRY);
        }
        for (int refused : new int[] {400, 413}) {
            assertThat(OpenSearchAuditSink.outcome(refused)).isEqualTo(OpenSearchAuditSink.ItemOutcome.REFUSED);
        }
    }

    @Test
    void sendsTheCredentialsAndNeverShowsThem() throws Exception {
        try (OpenSearchConnection basic = OpenSearchConnection.builder(NODE.url())
                        .transport(HttpTransport.builder().client(recording).build())
                        .basicAuth("actiontrail", "pa55-secret-word")
                        .build();
                OpenSearchAuditSink sink = sink(basic)) {
            sink.write(AuditBatch.ofEvents(events("Authenticated", DAY1, 1)));
            assertThat(authorizations).isNotEmpty().allSatisfy(a -> assertThat(a)
                    .isEqualTo("Basic YWN0aW9udHJhaWw6cGE1NS1zZWNyZXQtd29yZA=="));
            assertThat(basic.toString()).contains("basic actiontrail").doesNotContain("pa55-secret-word", "YWN0");
            assertThat(sink.toString()).doesNotContain("pa55-secret-word");
        }
        authorizations.clear();
        try (OpenSearchConnection key = OpenSearchConnection.builder(NODE.url())
                        .transport(HttpTransport.builder().client(recording).build())
                        .apiKey("a2V5LWlkOmtleS1zZWNyZXQ=")
                        .build();
                OpenSearchAuditSink sink = sink(key)) {
            sink.write(AuditBatch.ofEvents(events("WithKey", DAY1, 1)));
            assertThat(authorizations).isNotEmpty().allSatisfy(a -> assertThat(a)
                    .isEqualTo("ApiKey a2V5LWlkOmtleS1zZWNyZXQ="));
            assertThat(key.toString()).doesNotContain("a2V5");
        }
    }

    @Test
    void closesOnlyWhatItCreated() throws Exception {
        OpenSearchConnection borrowed = connection();
        OpenSearchAuditSink borrowing = sink(borrowed);
        borrowing.close();
        borrowing.close();
        borrowing = null;
        OpenSearchAuditSink again = sink(borrowed);
        again.write(AuditBatch.ofEvents(events("StillOpen", DAY1, 1)));
        again.close();
        assertThat(recording.dispatcher().executorService().isShutdown()).isFalse();
        borrowed.close();
        assertThat(recording.dispatcher().executorService().isShutdown())
                .as("a borrowed client outlives the connection too")
                .isFalse();

        OpenSearchAuditSink owning =
                OpenSearchAuditSink.builder(NODE.url()).index(index).build();
        owning.write(AuditBatch.ofEvents(events("Owned", DAY1, 1)));
        owning.close();
        assertThatThrownBy(() -> owning.write(AuditBatch.ofEvents(events("Closed", DAY1, 1))))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("closed");
    }

    @Test
    void theStoreSaysWhenTheClusterCannotAnswer() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        try (OpenSearchConnection down = OpenSearchConnection.builder("http://127.0.0.1:" + closedPort)
                        .transport(HttpTransport.builder()
                                .callTimeout(Duration.ofSeconds(5))
                                .build())
                        .build();
                OpenSearchConnection up = connection()) {
            assertThatThrownBy(() -> OpenSearchEventStore.builder(down)
                            .build()
                            .lookup(LookupQuery.builder().build()))
                    .isInstanceOf(UncheckedIOException.class)
                    .hasMessageContaining("failed before the cluster answered");
            NODE.call(
                    "PUT",
                    "/" + index + "-2026.03.14",
                    "{\"mappings\":{\"properties\":{\"eventTime\":{\"type\":\"keyword\"}}}}");
            OpenSearchEventStore broken =
                    OpenSearchEventStore.builder(up).index(index).build();
            assertThat(broken.toString()).contains(index);
            // sorting on a keyword eventTime still works, but a range in epoch_millis on a keyword is refused
            assertThatThrownBy(() -> broken.lookup(LookupQuery.builder().build()))
                    .isInstanceOf(UncheckedIOException.class)
                    .hasMessageContaining("HTTP 400");
        }
    }

    @Test
    void rejectsBadConfigurationNamingTheValue() {
        assertThatThrownBy(() -> OpenSearchConnection.builder("localhost:9200"))
                .hasMessage("url must be an absolute http or https URL: 'localhost:9200'");
        assertThatThrownBy(() -> OpenSearchConnection.builder("http://user:pw@localhost:9200"))
                .hasMessage("url must not hold credentials; use basicAuth(...) instead");
        OpenSearchConnection.Builder c = OpenSearchConnection.builder("http://localhost:9200");
        assertThatThrownBy(() -> c.basicAuth("a:b", "x"))
                .hasMessage("username must not be blank or contain ':': 'a:b'");
        assertThatThrownBy(() -> c.apiKey(" ")).hasMessage("apiKey must not be blank");
        assertThatThrownBy(() -> HttpTransport.builder().callTimeout(Duration.ZERO))
                .hasMessage("callTimeout must be positive: PT0S");
        assertThatThrownBy(() -> HttpTransport.builder().connectTimeout(Duration.ofSeconds(-1)))
                .hasMessage("connectTimeout must be positive: PT-1S");
        assertThatThrownBy(() -> OpenSearchConnection.builder("http://localhost:9200")
                        .transport(HttpTransport.builder()
                                .client(recording)
                                .callTimeout(Duration.ofSeconds(1))
                                .build())
                        .build())
                .isInstanceOf(IllegalStateException.class);
        OpenSearchAuditSink.Builder b = OpenSearchAuditSink.builder("http://localhost:9200");
        assertThatThrownBy(() -> b.index("Audit")).hasMessageContaining("'Audit'");
        assertThatThrownBy(() -> b.index("-audit")).hasMessageContaining("'-audit'");
        assertThatThrownBy(() -> b.name("")).hasMessage("name must not be blank: ''");
        assertThatThrownBy(() -> b.batching(OpenSearchAuditSink.DEFAULT_BATCHING.withMaxEvents(0)))
                .hasMessage("maxEvents must be positive: 0");
        assertThatThrownBy(() -> b.batching(OpenSearchAuditSink.DEFAULT_BATCHING.withMaxBytes(0)))
                .hasMessage("maxBytes must be positive: 0");
        assertThatThrownBy(() -> b.batching(OpenSearchAuditSink.DEFAULT_BATCHING.withLinger(Duration.ofMillis(-1))))
                .hasMessage("linger must not be negative: PT-0.001S");
        assertThatThrownBy(() -> b.shards(0)).hasMessage("shards must be positive: 0");
        assertThatThrownBy(() -> b.replicas(-1)).hasMessage("replicas must not be negative: -1");
        assertThatThrownBy(() -> b.refresh("yes")).hasMessage("refresh must be true, false or wait_for: 'yes'");
        assertThatThrownBy(() -> OpenSearchEventStore.builder(c.build()).index("UPPER"))
                .hasMessageContaining("'UPPER'");
        try (OpenSearchAuditSink configured = b.index("audit")
                .name("search")
                .batching(OpenSearchAuditSink.DEFAULT_BATCHING
                        .withMaxEvents(10)
                        .withMaxBytes(1000)
                        .withLinger(Duration.ZERO))
                .shards(2)
                .replicas(0)
                .refresh("wait_for")
                .build()) {
            assertThat(configured.name()).isEqualTo("search");
            assertThat(configured.batching().maxEvents()).isEqualTo(10);
            assertThat(configured.index()).isEqualTo("audit");
        }
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
