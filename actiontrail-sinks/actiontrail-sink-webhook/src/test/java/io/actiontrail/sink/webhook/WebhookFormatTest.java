package io.actiontrail.sink.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.actiontrail.AuditEvent;
import io.actiontrail.format.EventFormats;
import io.actiontrail.sink.AuditBatch;
import io.actiontrail.sink.AuditRecord;
import io.actiontrail.sink.DeliveryException;
import io.actiontrail.testsupport.WebhookReceiver;
import io.actiontrail.transport.http.HttpTransport;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What a real receiver gets in each event format: bodies, media types, CloudEvents headers, signatures. */
final class WebhookFormatTest {

    private static final String SECRET = "s3cr3t-webhook-key-0123456789";
    private static final ObjectMapper JSON = new ObjectMapper();

    private WebhookReceiver receiver;
    private final List<WebhookAuditSink> sinks = new ArrayList<>();

    @BeforeEach
    void start() throws Exception {
        receiver = WebhookReceiver.start(WebhookVerifier.builder(SECRET).build()::verify);
    }

    @AfterEach
    void stop() {
        sinks.forEach(WebhookAuditSink::close);
        receiver.close();
    }

    private WebhookAuditSink sink(io.actiontrail.format.EventFormat format) {
        WebhookAuditSink sink = WebhookAuditSink.builder(receiver.url())
                .secret(SECRET)
                .format(format)
                .transport(HttpTransport.builder().clock(Clock.systemUTC()).build())
                .build();
        sinks.add(sink);
        return sink;
    }

    private static DeliveryException failureOf(WebhookAuditSink sink, AuditBatch batch) {
        try {
            sink.write(batch);
        } catch (DeliveryException e) {
            return e;
        }
        throw new AssertionError("write succeeded");
    }

    private static AuditBatch batch(int count) {
        List<AuditEvent> events = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            events.add(AuditEvent.builder("CreateOrder")
                    .serviceName("orders")
                    .requestId("req-" + i)
                    .resource("Order", "o " + i)
                    .requestParameter("note", "审计")
                    .build());
        }
        return AuditBatch.ofEvents(events);
    }

    @Test
    void ocsfBatchesArriveAsAJsonArrayOfApiActivities() throws Exception {
        AuditBatch batch = batch(3);
        sink(EventFormats.ocsf()).write(batch);

        WebhookReceiver.Request request = receiver.requests().get(0);
        assertThat(request.verified()).isTrue();
        assertThat(request.header("Content-Type")).startsWith("application/json");
        JsonNode body = JSON.readTree(request.body());
        assertThat(body).hasSize(3);
        for (int i = 0; i < 3; i++) {
            assertThat(body.get(i).get("class_uid").asInt()).isEqualTo(6003);
            assertThat(body.get(i).at("/metadata/uid").asText())
                    .isEqualTo(batch.records().get(i).eventId());
            assertThat(body.get(i).at("/api/request/data/note").asText()).isEqualTo("审计");
        }
    }

    @Test
    void cloudEventsStructuredBatchesUseTheBatchMediaType() throws Exception {
        AuditBatch batch = batch(2);
        sink(EventFormats.cloudEvents()).write(batch);

        WebhookReceiver.Request request = receiver.requests().get(0);
        assertThat(request.verified()).isTrue();
        assertThat(request.header("Content-Type")).startsWith("application/cloudevents-batch+json");
        JsonNode body = JSON.readTree(request.body());
        assertThat(body.findValuesAsText("id"))
                .containsExactly(
                        batch.records().get(0).eventId(), batch.records().get(1).eventId());
        assertThat(body.get(0).get("data"))
                .isEqualTo(JSON.readTree(batch.records().get(0).json()));
    }

    @Test
    void cloudEventsBinaryModeSendsOneSignedRequestPerEventWithCeHeaders() throws Exception {
        AuditBatch batch = batch(3);
        sink(EventFormats.cloudEventsBinary()).write(batch);

        List<WebhookReceiver.Request> requests = receiver.requests();
        assertThat(requests).hasSize(3);
        for (int i = 0; i < 3; i++) {
            WebhookReceiver.Request request = requests.get(i);
            AuditRecord record = batch.records().get(i);
            assertThat(request.verified()).isTrue();
            assertThat(request.header("Content-Type")).startsWith("application/json");
            assertThat(request.header("ce-specversion")).isEqualTo("1.0");
            assertThat(request.header("ce-id")).isEqualTo(record.eventId());
            assertThat(request.header("ce-source")).isEqualTo("/orders");
            assertThat(request.header("ce-type")).isEqualTo("io.actiontrail.audit.v1");
            assertThat(request.header("ce-subject")).isEqualTo("Order/o%20" + i);
            assertThat(request.header(WebhookAuditSink.HEADER_EVENT_COUNT)).isEqualTo("1");
            assertThat(new String(request.body(), StandardCharsets.UTF_8)).isEqualTo(record.json());
        }
        assertThat(requests.stream().map(r -> r.header(WebhookAuditSink.HEADER_IDEMPOTENCY_KEY)))
                .doesNotHaveDuplicates();
    }

    @Test
    void inBinaryModeAFailureNamesTheEventsAlreadyDelivered() throws Exception {
        AuditBatch batch = batch(3);
        receiver.answerNext(200);
        receiver.answerNext(503);
        DeliveryException failure = failureOf(sink(EventFormats.cloudEventsBinary()), batch);
        assertThat(failure.isRetryable()).isTrue();
        assertThat(failure.delivered()).containsExactly(batch.records().get(0).eventId());
        assertThat(receiver.requests()).hasSize(2);
    }

    @Test
    void cloudTrailBatchesArriveInCloudTrailsShape() throws Exception {
        AuditBatch batch = batch(1);
        sink(EventFormats.cloudTrail()).write(batch);
        JsonNode body = JSON.readTree(receiver.requests().get(0).body());
        assertThat(body.get(0).get("eventID").asText())
                .isEqualTo(batch.records().get(0).eventId());
        assertThat(body.get(0).get("requestID").asText()).isEqualTo("req-0");
    }

    @Test
    void aLineThatDoesNotDecodeIsRefusedAndTheRestDelivered() throws Exception {
        AuditRecord broken = AuditRecord.ofEncoded(
                "broken-1", Instant.parse("2026-03-14T09:26:53Z"), "{\"eventId\":".getBytes(StandardCharsets.UTF_8));
        AuditRecord good = batch(1).records().get(0);
        DeliveryException failure = failureOf(sink(EventFormats.ocsf()), AuditBatch.of(List.of(broken, good)));
        assertThat(failure.isRetryable()).isFalse();
        assertThat(failure.refused()).containsExactly("broken-1");
        assertThat(failure.delivered()).containsExactly(good.eventId());
        assertThat(JSON.readTree(receiver.requests().get(0).body())).hasSize(1);
    }
}
