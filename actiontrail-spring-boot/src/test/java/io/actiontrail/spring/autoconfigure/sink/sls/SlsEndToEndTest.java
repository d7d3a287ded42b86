package io.actiontrail.spring.autoconfigure.sink.sls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.aliyun.openservices.log.common.Logs;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.actiontrail.spring.autoconfigure.sink.s3.archive.ArchiveApp;
import io.actiontrail.spring.web.WebApps;
import io.actiontrail.testsupport.SlsEndpoint;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * A real web application configured by {@code actiontrail.*} properties only delivers its audit events to a local
 * Log Service PutLogs endpoint ({@link SlsEndpoint}) that recomputes every request's signature with the secret and
 * decodes the LogGroup with the official SDK's protobuf class: one sink with a temporary STS key, a topic, a source and
 * tags, deflated; one with a permanent key, uncompressed. A third sink signing with a wrong secret is answered
 * {@code 401 SignatureNotMatch}: its events stay pending, none dropped, and the health details show the code. Neither
 * secret nor the token appears in logs, health, env or configprops output.
 */
@ExtendWith(OutputCaptureExtension.class)
class SlsEndToEndTest {

    private static final String PROJECT = "audit-project";
    private static final String STS_ID = "STS.NTe2eTemporaryKeyId";
    private static final String STS_SECRET = "e2eStsSecret-Never-Shown-0123456789";
    private static final String TOKEN = "CAISe2eSecurityToken-Never-Shown-42";
    private static final String KEY_ID = "LTAI5tE2ePermanentKeyId";
    private static final String SECRET = "e2ePermanentSecret-Never-Shown-98765";
    private static final String WRONG_SECRET = "e2eWrongSecret-Never-Shown-13579";
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path journal;

    @Test
    void deliversSignedLogGroupsToAPutLogsEndpointFromPropertiesOnly(CapturedOutput output) throws Exception {
        try (SlsEndpoint sls = SlsEndpoint.start()
                        .project(PROJECT, "actiontrail", "actiontrail-plain")
                        .stsKey(STS_ID, STS_SECRET, TOKEN)
                        .accessKey(KEY_ID, SECRET);
                ConfigurableApplicationContext app = new SpringApplicationBuilder(ArchiveApp.class)
                        .properties(
                                "server.port=0",
                                "server.address=127.0.0.1",
                                "spring.application.name=orders",
                                "actiontrail.data-dir=" + journal,
                                "actiontrail.shutdown-timeout=1s",
                                "actiontrail.sinks.logs.type=sls",
                                "actiontrail.sinks.logs.endpoint=" + sls.endpoint(),
                                "actiontrail.sinks.logs.project=" + PROJECT,
                                "actiontrail.sinks.logs.logstore=actiontrail",
                                "actiontrail.sinks.logs.access-key-id=" + STS_ID,
                                "actiontrail.sinks.logs.access-key-secret=" + STS_SECRET,
                                "actiontrail.sinks.logs.security-token=" + TOKEN,
                                "actiontrail.sinks.logs.topic=orders-audit",
                                "actiontrail.sinks.logs.source=orders-7f9c",
                                "actiontrail.sinks.logs.tags.env=prod",
                                "actiontrail.sinks.logs.tags[team]=payments",
                                "actiontrail.sinks.logs.linger=100ms",
                                "actiontrail.sinks.logs.max-batch-events=2",
                                "actiontrail.sinks.logs.connect-timeout=2s",
                                "actiontrail.sinks.logs.call-timeout=5s",
                                "actiontrail.sinks.plain.type=sls",
                                "actiontrail.sinks.plain.endpoint=" + sls.endpoint(),
                                "actiontrail.sinks.plain.project=" + PROJECT,
                                "actiontrail.sinks.plain.logstore=actiontrail-plain",
                                "actiontrail.sinks.plain.access-key-id=" + KEY_ID,
                                "actiontrail.sinks.plain.access-key-secret=" + SECRET,
                                "actiontrail.sinks.plain.compression=none",
                                "actiontrail.sinks.plain.linger=100ms",
                                "actiontrail.sinks.stale.type=sls",
                                "actiontrail.sinks.stale.endpoint=" + sls.endpoint(),
                                "actiontrail.sinks.stale.project=" + PROJECT,
                                "actiontrail.sinks.stale.logstore=actiontrail",
                                "actiontrail.sinks.stale.access-key-id=" + KEY_ID,
                                "actiontrail.sinks.stale.access-key-secret=" + WRONG_SECRET,
                                "actiontrail.sinks.stale.linger=100ms",
                                "management.endpoints.web.exposure.include=health,env,configprops",
                                "management.endpoint.health.show-details=always",
                                "management.endpoint.env.show-values=always",
                                "management.endpoint.configprops.show-values=always")
                        .run()) {
            Instant before = Instant.now();
            int port = WebApps.port(app);
            for (String id : List.of("d-1", "d-2", "d-3")) {
                assertThat(post(port, "/documents/" + id).statusCode()).isEqualTo(200);
            }
            ArchiveApp.RetentionService retention = app.getBean(ArchiveApp.RetentionService.class);
            retention.hold("d-1");
            retention.hold("d-2");

            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                assertThat(sls.acceptedEventNodes(PROJECT, "actiontrail")).hasSize(5);
                assertThat(sls.acceptedEventNodes(PROJECT, "actiontrail-plain")).hasSize(5);
            });
            for (String logstore : List.of("actiontrail", "actiontrail-plain")) {
                List<JsonNode> events = sls.acceptedEventNodes(PROJECT, logstore);
                assertThat(events)
                        .extracting(e -> e.path("eventName").asText())
                        .containsExactlyInAnyOrder(
                                "CreateDocument", "CreateDocument", "CreateDocument", "PutLegalHold", "PutLegalHold");
                assertThat(events).extracting(e -> e.path("eventId").asText()).doesNotHaveDuplicates();
                assertThat(events).allSatisfy(e -> {
                    assertThat(e.path("serviceName").asText()).isEqualTo("orders");
                    assertThat(e.path("eventVersion").asText()).isEqualTo("1.0");
                    assertThat(e.path("userIdentity").isObject()).isTrue();
                });
                assertThat(events)
                        .filteredOn(e -> e.path("eventName").asText().equals("PutLegalHold"))
                        .extracting(e -> e.path("resourceName").asText())
                        .containsExactlyInAnyOrder("d-1", "d-2");
            }

            // the STS sink: token sent and signed, body deflated, the configured topic, source, tags and batching
            List<SlsEndpoint.Received> fromLogs = sls.requests().stream()
                    .filter(r -> STS_ID.equals(r.accessKeyId()))
                    .toList();
            assertThat(fromLogs).isNotEmpty().allSatisfy(r -> {
                assertThat(r.accepted()).isTrue();
                assertThat(r.header("x-acs-security-token")).isEqualTo(TOKEN);
                assertThat(r.header("x-log-compresstype")).isEqualTo("deflate");
                Logs.LogGroup group = Objects.requireNonNull(r.logGroup());
                assertThat(group.getTopic()).isEqualTo("orders-audit");
                assertThat(group.getSource()).isEqualTo("orders-7f9c");
                assertThat(r.tags())
                        .containsEntry("env", "prod")
                        .containsEntry("team", "payments")
                        .hasEntrySatisfying("__pack_id__", id -> assertThat(id).matches("[0-9A-F]{16}-[0-9a-f]+"));
                assertThat(group.getLogsCount()).isBetween(1, 2);
                for (Logs.Log log : group.getLogsList()) {
                    // the log's time is the event's, to the second
                    Instant eventTime = Instant.parse(
                            SlsEndpoint.eventNode(log).path("eventTime").asText());
                    assertThat((long) log.getTime()).isEqualTo(eventTime.getEpochSecond());
                    assertThat(eventTime).isAfterOrEqualTo(before.minusSeconds(5));
                }
            });
            // the permanent key: no token, no compression, the sink's default topic
            List<SlsEndpoint.Received> fromPlain = sls.requests().stream()
                    .filter(r -> r.logstore().equals("actiontrail-plain"))
                    .toList();
            assertThat(fromPlain).isNotEmpty().allSatisfy(r -> {
                assertThat(r.accepted()).isTrue();
                assertThat(r.header("x-acs-security-token")).isNull();
                assertThat(r.header("x-log-compresstype")).isNull();
                assertThat(Objects.requireNonNull(r.logGroup()).getTopic()).isEqualTo("actiontrail");
            });

            // the wrong secret is refused; nothing of it is lost, and the health shows the service's code
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                JsonNode stale = sinkHealth(port, "stale");
                assertThat(stale.path("status").asText()).isEqualTo("FAILING");
                assertThat(stale.path("latestDeliveryErrorCode").asText()).isEqualTo("SignatureNotMatch");
                assertThat(stale.path("latestDeliveryError").asText())
                        .contains("401")
                        .contains(PROJECT)
                        .contains("actiontrail");
                assertThat(stale.path("pending").asLong()).isEqualTo(5);
                assertThat(stale.path("delivered").asLong()).isZero();
                assertThat(dropped(stale)).isZero();
            });
            List<SlsEndpoint.Received> fromStale = sls.requests().stream()
                    .filter(r -> KEY_ID.equals(r.accessKeyId()) && r.logstore().equals("actiontrail"))
                    .toList();
            assertThat(fromStale).isNotEmpty().allSatisfy(r -> {
                assertThat(r.status()).isEqualTo(401);
                assertThat(r.errorCode()).isEqualTo("SignatureNotMatch");
            });
            for (String name : List.of("logs", "plain")) {
                JsonNode sink = sinkHealth(port, name);
                assertThat(sink.path("status").asText()).as(name).isEqualTo("UP");
                assertThat(sink.path("delivered").asLong()).as(name).isEqualTo(5);
                assertThat(dropped(sink)).as(name).isZero();
            }

            List<String> shown = new ArrayList<>();
            for (String path : List.of(
                    "/actuator/health",
                    "/actuator/health/actionTrail/main",
                    "/actuator/env",
                    "/actuator/configprops")) {
                shown.add(get(port, path));
            }
            assertThat(shown.get(2))
                    .as("env shows values, so the test would see a secret")
                    .contains(sls.endpoint())
                    .contains(STS_ID)
                    .contains("actiontrail.sinks.logs.access-key-secret")
                    .contains("actiontrail.sinks.logs.security-token")
                    .contains("actiontrail.sinks.stale.access-key-secret");
            assertThat(shown).allSatisfy(body -> assertThat(body)
                    .doesNotContain(STS_SECRET)
                    .doesNotContain(TOKEN)
                    .doesNotContain(SECRET)
                    .doesNotContain(WRONG_SECRET));
        }
        assertThat(output.getAll())
                .doesNotContain(STS_SECRET)
                .doesNotContain(TOKEN)
                .doesNotContain(SECRET)
                .doesNotContain(WRONG_SECRET);
    }

    /** A sink's dropped events, summed over the reasons its health details list them by. */
    private static long dropped(JsonNode sink) {
        JsonNode byReason = sink.path("dropped");
        assertThat(byReason.isObject()).as("dropped by reason: %s", byReason).isTrue();
        long total = 0;
        for (JsonNode count : byReason) {
            total += count.asLong();
        }
        return total;
    }

    private static JsonNode sinkHealth(int port, String sink) throws Exception {
        return JSON.readTree(get(port, "/actuator/health/actionTrail/main"))
                .path("details")
                .path("sinks")
                .path(sink);
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
