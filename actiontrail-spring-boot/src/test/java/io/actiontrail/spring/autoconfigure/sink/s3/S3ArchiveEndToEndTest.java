package io.actiontrail.spring.autoconfigure.sink.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.actiontrail.spring.autoconfigure.sink.s3.archive.ArchiveApp;
import io.actiontrail.spring.web.WebApps;
import io.actiontrail.testsupport.S3Server;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;
import software.amazon.awssdk.core.ResponseBytes;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * A real web application configured by {@code actiontrail.*} properties only archives its audit events to a real S3
 * server (S3Proxy in this JVM, SigV4 signatures checked): the objects land under the documented keys and gunzip to
 * the events. A second sink with a wrong secret shows {@code SignatureDoesNotMatch} in the health details, and neither
 * secret appears in logs, health, env or configprops output.
 */
@ExtendWith(OutputCaptureExtension.class)
class S3ArchiveEndToEndTest {

    private static final String ACCESS_KEY = "AKIASTARTERE2ETEST01";
    private static final String SECRET = "e2eSecret/Never+Shown/0123456789abcdefgh";
    private static final String WRONG_SECRET = "wrongSecret/Never+Shown/0123456789abcdef";
    private static final String BUCKET = "audit-archive";
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The documented layout, with the keys' service name and region from actiontrail.*, not the signing region. */
    private static final Pattern KEY =
            Pattern.compile("prod/audit/ActionTrail/orders/cn-hangzhou/(\\d{4})/(\\d{2})/(\\d{2})/"
                    + "orders_ActionTrail_cn-hangzhou_(\\d{8})T(\\d{6})Z_([0-9a-f]{32})\\.json\\.gz");

    @TempDir
    Path journal;

    @Test
    void archivesControllerAndBeanEventsToS3FromPropertiesOnly(CapturedOutput output) throws Exception {
        try (S3Server server = S3Server.start(ACCESS_KEY, SECRET);
                S3Client s3 = server.client()) {
            s3.createBucket(b -> b.bucket(BUCKET));
            run(server.endpoint().toString(), s3, output);
        }
    }

    private void run(String endpoint, S3Client s3, CapturedOutput output) throws Exception {
        Instant before = Instant.now();
        try (ConfigurableApplicationContext app = new SpringApplicationBuilder(ArchiveApp.class)
                .properties(
                        "server.port=0",
                        "server.address=127.0.0.1",
                        "spring.application.name=orders-app",
                        "actiontrail.service-name=orders",
                        "actiontrail.region=cn-hangzhou",
                        "actiontrail.data-dir=" + journal,
                        "actiontrail.shutdown-timeout=1s",
                        "actiontrail.sinks.archive.type=s3",
                        "actiontrail.sinks.archive.bucket=" + BUCKET,
                        "actiontrail.sinks.archive.prefix=prod/audit",
                        "actiontrail.sinks.archive.endpoint=" + endpoint,
                        "actiontrail.sinks.archive.region=us-east-1",
                        "actiontrail.sinks.archive.path-style=true",
                        "actiontrail.sinks.archive.access-key-id=" + ACCESS_KEY,
                        "actiontrail.sinks.archive.secret-access-key=" + SECRET,
                        "actiontrail.sinks.archive.sse=AES256",
                        "actiontrail.sinks.archive.storage-class=STANDARD_IA",
                        "actiontrail.sinks.archive.linger=500ms",
                        "actiontrail.sinks.archive.max-batch-bytes=1MB",
                        "actiontrail.sinks.misconfigured.type=s3",
                        "actiontrail.sinks.misconfigured.bucket=" + BUCKET,
                        "actiontrail.sinks.misconfigured.prefix=never",
                        "actiontrail.sinks.misconfigured.endpoint=" + endpoint,
                        "actiontrail.sinks.misconfigured.region=us-east-1",
                        "actiontrail.sinks.misconfigured.path-style=true",
                        "actiontrail.sinks.misconfigured.access-key-id=" + ACCESS_KEY,
                        "actiontrail.sinks.misconfigured.secret-access-key=" + WRONG_SECRET,
                        "actiontrail.sinks.misconfigured.linger=100ms",
                        "management.endpoints.web.exposure.include=health,env,configprops",
                        "management.endpoint.health.show-details=always",
                        "management.endpoint.env.show-values=always",
                        "management.endpoint.configprops.show-values=always")
                .run()) {
            int port = WebApps.port(app);
            for (String id : List.of("d-1", "d-2", "d-3")) {
                assertThat(post(port, "/documents/" + id).statusCode()).isEqualTo(200);
            }
            ArchiveApp.RetentionService retention = app.getBean(ArchiveApp.RetentionService.class);
            retention.hold("d-1");
            retention.hold("d-2");

            List<JsonNode> events = new ArrayList<>();
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                events.clear();
                for (S3Object object : s3.listObjectsV2Paginator(
                                b -> b.bucket(BUCKET).prefix("prod/"))
                        .contents()) {
                    events.addAll(checkedEvents(s3, object.key()));
                }
                assertThat(events).hasSize(5);
            });
            assertThat(events)
                    .extracting(e -> e.path("eventName").asText())
                    .containsExactlyInAnyOrder(
                            "CreateDocument", "CreateDocument", "CreateDocument", "PutLegalHold", "PutLegalHold");
            assertThat(events).allSatisfy(e -> {
                assertThat(e.path("serviceName").asText()).isEqualTo("orders");
                assertThat(e.path("region").asText()).isEqualTo("cn-hangzhou");
                assertThat(Instant.parse(e.path("eventTime").asText())).isAfterOrEqualTo(before.minusSeconds(1));
            });
            assertThat(events).extracting(e -> e.path("eventId").asText()).doesNotHaveDuplicates();
            assertThat(s3.listObjectsV2(b -> b.bucket(BUCKET).prefix("never/")).contents())
                    .isEmpty();

            // the wrong secret is refused by the server, and the health details say so
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> get(port, "/actuator/health/actionTrail/main").contains("SignatureDoesNotMatch"));
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
                    .contains(ACCESS_KEY)
                    .contains("actiontrail.sinks.archive.secret-access-key");
            assertThat(shown)
                    .allSatisfy(body -> assertThat(body).doesNotContain(SECRET).doesNotContain(WRONG_SECRET));
        }
        assertThat(output.getAll()).doesNotContain(SECRET).doesNotContain(WRONG_SECRET);
    }

    /** Reads one object, checks its key, encryption, storage class and metadata, and returns its events. */
    private static List<JsonNode> checkedEvents(S3Client s3, String key) throws IOException {
        Matcher m = KEY.matcher(key);
        assertThat(m.matches()).as("key %s follows the layout", key).isTrue();
        assertThat(m.group(4)).isEqualTo(m.group(1) + m.group(2) + m.group(3));
        ResponseBytes<GetObjectResponse> bytes =
                s3.getObjectAsBytes(b -> b.bucket(BUCKET).key(key));
        GetObjectResponse response = bytes.response();
        assertThat(response.serverSideEncryptionAsString()).isEqualTo("AES256");
        assertThat(response.storageClassAsString()).isEqualTo("STANDARD_IA");
        String content;
        try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(bytes.asByteArray()))) {
            content = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        assertThat(content).endsWith("\n");
        List<JsonNode> events = new ArrayList<>();
        for (String line : content.substring(0, content.length() - 1).split("\n", -1)) {
            events.add(JSON.readTree(line));
        }
        assertThat(response.metadata()).containsEntry("event-count", Integer.toString(events.size()));
        Instant oldest = Instant.parse(events.get(0).path("eventTime").asText());
        for (JsonNode event : events) {
            Instant time = Instant.parse(event.path("eventTime").asText());
            oldest = time.isBefore(oldest) ? time : oldest;
        }
        // the key's date and time are those of the object's oldest event, in UTC
        assertThat(m.group(4) + "T" + m.group(5))
                .isEqualTo(DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss")
                        .withZone(ZoneOffset.UTC)
                        .format(oldest));
        return events;
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
