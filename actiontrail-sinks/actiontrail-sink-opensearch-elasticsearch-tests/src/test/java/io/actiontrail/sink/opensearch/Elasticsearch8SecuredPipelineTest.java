package io.actiontrail.sink.opensearch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.StackTraceElementProxy;
import ch.qos.logback.core.read.ListAppender;
import io.actiontrail.ActionTrail;
import io.actiontrail.AuditEvent;
import io.actiontrail.trail.RetryPolicy;
import io.actiontrail.trail.Trail;
import io.actiontrail.trail.TrailStatus;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * The sink inside a real {@link ActionTrail} pipeline with a disk journal, against a real Elasticsearch 8 node whose
 * security is switched on ({@link Elasticsearch8SecuredNode}), authenticating with basic authentication or an API
 * key.
 *
 * <p>What it proves: a wrong password is answered 401 {@code security_exception}; the trail's status shows that error
 * and its type as the error code, every recorded event stays pending in the journal and none is dropped, also after
 * the application closes, and neither password (nor its {@code Authorization} header) appears in a log line, an
 * exception, the status or the sink's description. An application started again over the same data directory with
 * the right password delivers that backlog, each event indexed exactly once. An API key the node does not know is
 * answered the same way, keeps the events pending, and shows nowhere.
 *
 * <p>What it does not prove: delivery with a valid API key. The node cannot issue one: API keys live in the
 * {@code .security} system index, whose mappings need the {@code analysis-common} module, which the integration-test
 * distribution does not ship ({@code POST /_security/api_key} is answered 400 "Unknown filter type
 * [pattern_capture]"). Nor TLS (the node speaks plain HTTP); a user with too few privileges (403, which the sink treats
 * like 401 but which is not exercised here); other realms; OpenSearch's own security plugin; credentials changed while
 * the application runs (a connection's credentials are fixed when it is built, so a restart is how they change).
 */
final class Elasticsearch8SecuredPipelineTest {

    @RegisterExtension
    static final Elasticsearch8SecuredNode NODE = new Elasticsearch8SecuredNode();

    private static final String TRAIL = "search";
    private static final RetryPolicy FAST_RETRY =
            new RetryPolicy(Duration.ofMillis(20), Duration.ofMillis(200), 2.0, 0.2);
    private static final Duration PATIENCE = Duration.ofSeconds(30);

    @TempDir
    Path dataDir;

    private final List<ActionTrail> opened = new ArrayList<>();
    private final List<OpenSearchConnection> connections = new ArrayList<>();
    private final ListAppender<ILoggingEvent> logs = new ListAppender<>();

    @AfterEach
    void stop() {
        try {
            opened.forEach(a -> a.close(Duration.ofSeconds(2)));
            connections.forEach(OpenSearchConnection::close);
        } finally {
            root().detachAppender(logs);
            logs.stop();
        }
    }

    private static Logger root() {
        return (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    }

    private void captureLogs() {
        logs.start();
        root().addAppender(logs);
    }

    /** Every captured log message, and the class, message and frames of every exception logged with one. */
    private List<String> logged() {
        List<String> lines = new ArrayList<>();
        for (ILoggingEvent event : List.copyOf(logs.list)) {
            lines.add(event.getFormattedMessage());
            for (IThrowableProxy t = event.getThrowableProxy(); t != null; t = t.getCause()) {
                lines.add(t.getClassName() + ": " + t.getMessage());
                for (StackTraceElementProxy frame : t.getStackTraceElementProxyArray()) {
                    lines.add(frame.getSTEAsString());
                }
            }
        }
        return lines;
    }

    private OpenSearchConnection connection(OpenSearchConnection.Builder builder) {
        OpenSearchConnection connection = builder.build();
        connections.add(connection);
        return connection;
    }

    /** An application with a disk journal in {@link #dataDir}, delivering to the index prefix through the sink. */
    private ActionTrail open(OpenSearchAuditSink sink) {
        ActionTrail actionTrail = ActionTrail.builder()
                .serviceName("orders")
                .dataDir(dataDir)
                .shutdownHook(false)
                .trail(Trail.builder(TRAIL).sink(sink).retryPolicy(FAST_RETRY).build())
                .build();
        opened.add(actionTrail);
        return actionTrail;
    }

    private static OpenSearchAuditSink sink(OpenSearchConnection connection, String index) {
        return OpenSearchAuditSink.builder(connection)
                .index(index)
                .batching(OpenSearchAuditSink.DEFAULT_BATCHING
                        .withLinger(Duration.ofMillis(20))
                        .withMaxEvents(7))
                .build();
    }

    private static List<String> record(ActionTrail actionTrail, String name, int count) {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            AuditEvent event =
                    AuditEvent.builder(name).resource("Order", name + "-" + i).build();
            ids.add(event.eventId());
            actionTrail.record(event);
        }
        return ids;
    }

    private static TrailStatus.SinkStatus status(ActionTrail actionTrail) {
        return actionTrail.status(TRAIL).sink(OpenSearchAuditSink.DEFAULT_NAME);
    }

    private static void assertInvariant(TrailStatus.SinkStatus s) {
        assertThat(s.recorded()).isEqualTo(s.delivered() + s.pending() + s.droppedTotal());
    }

    @Test
    void aWrongPasswordKeepsTheBacklogShowsTheErrorNeverTheSecretAndTheRightOneDeliversItAfterARestart() {
        String index = ElasticsearchNode.freshIndex("secured");
        String wrongPassword = "wrong-" + UUID.randomUUID();
        List<String> secrets = List.of(
                wrongPassword,
                Elasticsearch8SecuredNode.PASSWORD,
                Elasticsearch8SecuredNode.basic(Elasticsearch8SecuredNode.USER, wrongPassword)
                        .substring("Basic ".length()),
                Elasticsearch8SecuredNode.basic(Elasticsearch8SecuredNode.USER, Elasticsearch8SecuredNode.PASSWORD)
                        .substring("Basic ".length()));
        captureLogs();

        OpenSearchAuditSink wrongSink = sink(
                connection(OpenSearchConnection.builder(NODE.url())
                        .basicAuth(Elasticsearch8SecuredNode.USER, wrongPassword)),
                index);
        ActionTrail first = open(wrongSink);
        List<String> ids = record(first, "WithWrongPassword", 15);

        await().atMost(PATIENCE).untilAsserted(() -> {
            TrailStatus.SinkStatus status = status(first);
            assertThat(status.isFailing()).isTrue();
            assertThat(status.latestDeliveryErrorCode()).isEqualTo("security_exception");
            assertThat(status.latestDeliveryError())
                    .contains("HTTP 401", "security_exception", Elasticsearch8SecuredNode.USER);
            assertThat(status.retries()).isGreaterThanOrEqualTo(2);
        });
        TrailStatus.SinkStatus failing = status(first);
        assertThat(failing.recorded()).isEqualTo(15);
        assertThat(failing.pending()).isEqualTo(15);
        assertThat(failing.delivered()).isZero();
        assertThat(failing.dropped()).isEmpty();
        assertInvariant(failing);
        assertThat(NODE.callAllowingErrors("GET", "/_index_template/" + index, null)
                        .path("_status")
                        .asInt())
                .as("not even the template was written")
                .isEqualTo(404);
        assertThat(NODE.documentIds(index)).isEmpty();

        first.close(Duration.ofSeconds(1));
        TrailStatus.SinkStatus closed = status(first);
        assertThat(closed.pending()).as("the journal keeps the backlog").isEqualTo(15);
        assertThat(closed.dropped()).isEmpty();
        assertInvariant(closed);
        List<String> shown = List.of(
                String.valueOf(failing.latestDeliveryError()),
                failing.toString(),
                closed.toString(),
                wrongSink.toString());

        OpenSearchAuditSink rightSink = sink(
                connection(OpenSearchConnection.builder(NODE.url())
                        .basicAuth(Elasticsearch8SecuredNode.USER, Elasticsearch8SecuredNode.PASSWORD)),
                index);
        ActionTrail second = open(rightSink);
        assertThat(status(second).recorded())
                .as("the backlog, from the journal")
                .isEqualTo(15);
        assertThat(second.flush(PATIENCE)).isTrue();
        TrailStatus.SinkStatus done = status(second);
        assertThat(done.delivered()).isEqualTo(15);
        assertThat(done.pending()).isZero();
        assertThat(done.dropped()).isEmpty();
        assertThat(done.isFailing()).isFalse();
        assertInvariant(done);
        assertThat(NODE.documentIds(index)).as("each event once").containsExactlyInAnyOrderElementsOf(ids);

        List<String> logged = logged();
        assertThat(logged).as("the failure was logged").anySatisfy(line -> assertThat(line)
                .contains("security_exception"));
        for (String secret : secrets) {
            assertThat(logged).noneSatisfy(line -> assertThat(line).contains(secret));
            assertThat(shown).noneSatisfy(text -> assertThat(text).contains(secret));
            assertThat(rightSink.toString()).doesNotContain(secret);
        }
    }

    @Test
    void anApiKeyTheNodeDoesNotKnowKeepsEventsPendingBehind401WithoutShowingTheKey() {
        String index = ElasticsearchNode.freshIndex("apikey");
        String secret = UUID.randomUUID().toString();
        String encoded =
                Base64.getEncoder().encodeToString(("unknown-key-id:" + secret).getBytes(StandardCharsets.UTF_8));
        captureLogs();

        OpenSearchAuditSink sink =
                sink(connection(OpenSearchConnection.builder(NODE.url()).apiKey(encoded)), index);
        ActionTrail actionTrail = open(sink);
        record(actionTrail, "WithUnknownApiKey", 8);

        await().atMost(PATIENCE).untilAsserted(() -> {
            TrailStatus.SinkStatus status = status(actionTrail);
            assertThat(status.isFailing()).isTrue();
            assertThat(status.latestDeliveryErrorCode()).isEqualTo("security_exception");
            assertThat(status.latestDeliveryError()).contains("HTTP 401");
            assertThat(status.retries()).isGreaterThanOrEqualTo(2);
        });
        TrailStatus.SinkStatus failing = status(actionTrail);
        assertThat(failing.recorded()).isEqualTo(8);
        assertThat(failing.pending()).isEqualTo(8);
        assertThat(failing.dropped()).isEmpty();
        assertInvariant(failing);
        assertThat(NODE.documentIds(index)).isEmpty();

        List<String> logged = logged();
        assertThat(logged).as("the failure was logged").anySatisfy(line -> assertThat(line)
                .contains("security_exception"));
        for (String shown : List.of(encoded, secret)) {
            assertThat(logged).noneSatisfy(line -> assertThat(line).contains(shown));
            assertThat(failing.toString()).doesNotContain(shown);
            assertThat(sink.toString()).doesNotContain(shown);
        }
    }
}
