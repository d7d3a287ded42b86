package io.actiontrail.spring.autoconfigure.sink.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.actiontrail.AuditEvent;
import io.actiontrail.sink.webhook.WebhookAuditSink;
import io.actiontrail.sink.webhook.WebhookVerifier;
import io.actiontrail.spring.autoconfigure.sink.s3.archive.ArchiveApp;
import io.actiontrail.spring.web.WebApps;
import io.actiontrail.testsupport.WebhookReceiver;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * A real web application configured by {@code actiontrail.*} properties only delivers its audit events to a real
 * webhook receiver, which verifies every request's HMAC signature with {@link io.actiontrail.sink.webhook.WebhookVerifier}
 * and gets the configured {@code Authorization} header. A second sink signing with a wrong secret is refused (401):
 * its events stay pending, not dropped, and the health details say why. Neither secret nor the header value appears
 * in logs, health or env output.
 */
@ExtendWith(OutputCaptureExtension.class)
class WebhookEndToEndTest {

    private static final String SECRET = "e2eHookSecret-Never-Shown-0123456789";
    private static final String WRONG_SECRET = "wrongHookSecret-Never-Shown-98765432";
    private static final String TOKEN = "Bearer e2eHookToken-Never-Shown";
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path journal;

    @Test
    void deliversSignedEventsToAReceiverFromPropertiesOnly(CapturedOutput output) throws Exception {
        try (WebhookReceiver receiver =
                        WebhookReceiver.start(WebhookVerifier.builder(SECRET).build()::verify);
                ConfigurableApplicationContext app = new SpringApplicationBuilder(ArchiveApp.class)
                        .properties(
                                "server.port=0",
                                "server.address=127.0.0.1",
                                "spring.application.name=orders",
                                "actiontrail.data-dir=" + journal,
                                "actiontrail.shutdown-timeout=1s",
                                "actiontrail.sinks.hook.type=webhook",
                                "actiontrail.sinks.hook.url=" + receiver.url(),
                                "actiontrail.sinks.hook.secret=" + SECRET,
                                "actiontrail.sinks.hook.headers.Authorization=" + TOKEN,
                                "actiontrail.sinks.hook.linger=100ms",
                                "actiontrail.sinks.hook.max-batch-events=2",
                                "actiontrail.sinks.hook.call-timeout=5s",
                                "actiontrail.sinks.stale.type=webhook",
                                "actiontrail.sinks.stale.url=" + receiver.url(),
                                "actiontrail.sinks.stale.secret=" + WRONG_SECRET,
                                "actiontrail.sinks.stale.linger=100ms",
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

            await().atMost(Duration.ofSeconds(30))
                    .untilAsserted(() -> assertThat(receiver.verifiedEvents()).hasSize(5));
            List<AuditEvent> events = receiver.verifiedEvents();
            assertThat(events)
                    .extracting(AuditEvent::eventName)
                    .containsExactlyInAnyOrder(
                            "CreateDocument", "CreateDocument", "CreateDocument", "PutLegalHold", "PutLegalHold");
            assertThat(events).extracting(AuditEvent::eventId).doesNotHaveDuplicates();
            assertThat(events).allSatisfy(e -> assertThat(e.serviceName()).isEqualTo("orders"));
            assertThat(events)
                    .filteredOn(e -> e.eventName().equals("PutLegalHold"))
                    .extracting(AuditEvent::resourceName)
                    .containsExactlyInAnyOrder("d-1", "d-2");

            // every request with the configured header was signed with the right secret, and batched as configured
            List<WebhookReceiver.Request> fromHook = new ArrayList<>();
            List<WebhookReceiver.Request> fromStale = new ArrayList<>();
            for (WebhookReceiver.Request r : receiver.requests()) {
                (TOKEN.equals(r.header("Authorization")) ? fromHook : fromStale).add(r);
            }
            assertThat(fromHook).isNotEmpty().allSatisfy(r -> {
                assertThat(r.verified()).isTrue();
                assertThat(r.events()).hasSizeBetween(1, 2);
                assertThat(r.header(WebhookAuditSink.HEADER_EVENT_COUNT))
                        .isEqualTo(Integer.toString(r.events().size()));
                assertThat(r.header(WebhookAuditSink.HEADER_IDEMPOTENCY_KEY)).matches("[0-9a-f]{32}");
            });
            // the wrong secret is refused by the receiver; nothing of it is lost, and the health says why
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                JsonNode stale = JSON.readTree(get(port, "/actuator/health/actionTrail/main"))
                        .path("details")
                        .path("sinks")
                        .path("stale");
                assertThat(stale.path("status").asText()).isEqualTo("FAILING");
                assertThat(stale.path("latestDeliveryErrorCode").asText()).isEqualTo("401");
                assertThat(stale.path("pending").asLong()).isEqualTo(5);
                // dropped counts by reason: an empty object when nothing was dropped
                assertThat(stale.path("dropped").isObject()).isTrue();
                assertThat(stale.path("dropped")).isEmpty();
            });
            assertThat(fromStale).isNotEmpty().noneMatch(WebhookReceiver.Request::verified);
            JsonNode hook = JSON.readTree(get(port, "/actuator/health/actionTrail/main"))
                    .path("details")
                    .path("sinks")
                    .path("hook");
            assertThat(hook.path("delivered").asLong()).isEqualTo(5);
            // dropped counts by reason: an empty object when nothing was dropped
            assertThat(hook.path("dropped").isObject()).isTrue();
            assertThat(hook.path("dropped")).isEmpty();

            List<String> shown = new ArrayList<>();
            for (String path : List.of("/actuator/health", "/actuator/health/actionTrail/main", "/actuator/env")) {
                shown.add(get(port, path));
            }
            assertThat(shown.get(2))
                    .as("env shows values, so the test would see a secret")
                    .contains(receiver.url())
                    .contains("actiontrail.sinks.hook.secret")
                    .contains("actiontrail.sinks.hook.headers.Authorization");
            assertThat(shown).allSatisfy(body -> assertThat(body)
                    .doesNotContain(SECRET)
                    .doesNotContain(WRONG_SECRET)
                    .doesNotContain(TOKEN));
        }
        assertThat(output.getAll())
                .doesNotContain(SECRET)
                .doesNotContain(WRONG_SECRET)
                .doesNotContain(TOKEN);
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
