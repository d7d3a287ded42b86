package io.actiontrail.spring.autoconfigure.sink.opensearch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.actiontrail.ActionTrail;
import io.actiontrail.AuditEvent;
import io.actiontrail.query.EventStore;
import io.actiontrail.query.LookupQuery;
import io.actiontrail.sink.opensearch.OpenSearchEventStore;
import io.actiontrail.spring.autoconfigure.sink.s3.archive.ArchiveApp;
import io.actiontrail.spring.web.WebApps;
import io.actiontrail.testsupport.OpenSearchNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * A real web application configured by {@code actiontrail.*} properties only indexes its audit events in a real
 * OpenSearch 2.19 node (started by this test, in this JVM): one document per event in the daily index, with the event
 * id as document id and the sink's index template installed; and, with {@code query-store=true}, the application's
 * {@link EventStore} bean finds them there exactly as the local journal does. The password appears in no log, health
 * or env output. The node runs without the security plugin, so it does not check the credentials: this test proves
 * they are configured and hidden, not that a secured cluster accepts them.
 */
@ExtendWith(OutputCaptureExtension.class)
class OpenSearchEndToEndTest {

    private static final String PASSWORD = "e2eSearchPassw0rd-Never-Shown";
    private static final String INDEX = "e2e-audit";
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final DateTimeFormatter DAY =
            DateTimeFormatter.ofPattern("yyyy.MM.dd").withZone(ZoneOffset.UTC);

    @RegisterExtension
    static final OpenSearchNode NODE = OpenSearchNode.perClass();

    @TempDir
    Path journal;

    @Test
    void indexesEventsAndLooksThemUpFromPropertiesOnly(CapturedOutput output) throws Exception {
        try (ConfigurableApplicationContext app = new SpringApplicationBuilder(ArchiveApp.class)
                .properties(
                        "server.port=0",
                        "server.address=127.0.0.1",
                        "spring.application.name=orders",
                        "actiontrail.data-dir=" + journal,
                        "actiontrail.shutdown-timeout=1s",
                        "actiontrail.sinks.search.type=opensearch",
                        "actiontrail.sinks.search.url=" + NODE.url(),
                        "actiontrail.sinks.search.username=actiontrail",
                        "actiontrail.sinks.search.password=" + PASSWORD,
                        "actiontrail.sinks.search.index=" + INDEX,
                        "actiontrail.sinks.search.shards=1",
                        "actiontrail.sinks.search.replicas=0",
                        "actiontrail.sinks.search.refresh=wait_for",
                        "actiontrail.sinks.search.linger=100ms",
                        "actiontrail.sinks.search.query-store=true",
                        "management.endpoints.web.exposure.include=health,env",
                        "management.endpoint.health.show-details=always",
                        "management.endpoint.env.show-values=always")
                .run()) {
            int port = WebApps.port(app);
            for (String id : List.of("d-1", "d-2", "d-3")) {
                assertThat(post(port, "/documents/" + id).statusCode()).isEqualTo(200);
            }
            ArchiveApp.RetentionService retention = app.getBean(ArchiveApp.RetentionService.class);
            retention.hold("d-1");
            retention.hold("d-2");

            // the shared store, read through the bean an application injects
            EventStore store = app.getBean(EventStore.class);
            assertThat(store).isInstanceOf(OpenSearchEventStore.class);
            LookupQuery query = LookupQuery.builder()
                    .serviceName("orders")
                    .startTime(Instant.now().minus(Duration.ofHours(1)))
                    .build();
            // delivered means indexed and, with refresh=wait_for, searchable
            ActionTrail actionTrail = app.getBean(ActionTrail.class);
            await().atMost(Duration.ofSeconds(60))
                    .until(() -> actionTrail.status("main").sink("search").delivered() == 5);
            List<AuditEvent> found = store.lookup(query).events();
            List<AuditEvent> journaled = actionTrail.lookup(query).events();
            assertThat(journaled).hasSize(5);
            assertThat(found)
                    .extracting(AuditEvent::eventId)
                    .containsExactlyElementsOf(
                            journaled.stream().map(AuditEvent::eventId).toList());
            assertThat(found)
                    .extracting(AuditEvent::eventName)
                    .containsExactlyInAnyOrder(
                            "CreateDocument", "CreateDocument", "CreateDocument", "PutLegalHold", "PutLegalHold");
            assertThat(store.lookup(query.toBuilder().eventName("PutLegalHold").build())
                            .events())
                    .extracting(AuditEvent::resourceName)
                    .containsExactlyInAnyOrder("d-1", "d-2");

            // in the cluster: one document per event, _id = eventId, in the daily index of its event time
            JsonNode hits = JSON.readTree(search("/" + INDEX + "-*/_search?size=100"))
                    .path("hits")
                    .path("hits");
            assertThat(hits).hasSize(5);
            for (JsonNode hit : hits) {
                JsonNode source = hit.path("_source");
                assertThat(hit.path("_id").asText())
                        .isEqualTo(source.path("eventId").asText());
                assertThat(hit.path("_index").asText())
                        .isEqualTo(INDEX + "-"
                                + DAY.format(
                                        Instant.parse(source.path("eventTime").asText())));
            }
            // the template, with the shards and replicas of the properties
            JsonNode settings = JSON.readTree(search("/_index_template/" + INDEX))
                    .path("index_templates")
                    .path(0)
                    .path("index_template")
                    .path("template")
                    .path("settings")
                    .path("index");
            assertThat(settings.path("number_of_shards").asText()).isEqualTo("1");
            assertThat(settings.path("number_of_replicas").asText()).isEqualTo("0");

            JsonNode sink = JSON.readTree(get(port, "/actuator/health/actionTrail/main"))
                    .path("details")
                    .path("sinks")
                    .path("search");
            assertThat(sink.path("delivered").asLong()).isEqualTo(5);
            // dropped counts by reason: an empty object when nothing was dropped
            assertThat(sink.path("dropped").isObject()).isTrue();
            assertThat(sink.path("dropped")).isEmpty();

            List<String> shown = new ArrayList<>();
            for (String path : List.of("/actuator/health", "/actuator/health/actionTrail/main", "/actuator/env")) {
                shown.add(get(port, path));
            }
            assertThat(shown.get(2))
                    .as("env shows values, so the test would see a secret")
                    .contains(NODE.url())
                    .contains("actiontrail.sinks.search.password");
            assertThat(shown).allSatisfy(body -> assertThat(body).doesNotContain(PASSWORD));
        }
        assertThat(output.getAll()).doesNotContain(PASSWORD);
    }

    private static String search(String path) throws Exception {
        HttpResponse<String> response = HTTP.send(
                HttpRequest.newBuilder(URI.create(NODE.url() + path)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode())
                .as("GET %s: %s", path, response.body())
                .isEqualTo(200);
        return response.body();
    }

    private static HttpResponse<String> post(int port, String path) throws Exception {
        return HTTP.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                        .POST(HttpRequest.BodyPublishers.noBody())
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static String get(int port, String path) throws Exception {
        return HTTP.send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                                .build(),
                        HttpResponse.BodyHandlers.ofString())
                .body();
    }
}
