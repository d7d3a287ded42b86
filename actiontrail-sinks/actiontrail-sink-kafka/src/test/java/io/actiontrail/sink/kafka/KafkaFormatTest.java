package io.actiontrail.sink.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.actiontrail.AuditEvent;
import io.actiontrail.EventType;
import io.actiontrail.UserIdentity;
import io.actiontrail.format.EventFormats;
import io.actiontrail.sink.AuditBatch;
import io.actiontrail.sink.AuditRecord;
import io.actiontrail.sink.DeliveryException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The record values and headers each event format puts on a real broker's topic. */
final class KafkaFormatTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static KafkaBroker broker;

    @BeforeAll
    static void startBroker() throws Exception {
        broker = KafkaBroker.start();
    }

    @AfterAll
    static void stopBroker() {
        broker.close();
    }

    private static AuditEvent event() {
        return AuditEvent.builder("CreateOrder")
                .eventTime(Instant.parse("2026-03-14T09:26:53.589Z"))
                .eventType(EventType.API_CALL)
                .serviceName("orders")
                .userIdentity(UserIdentity.builder(UserIdentity.Type.USER)
                        .principalId("p-7")
                        .userName("alice")
                        .accountId("acct-42")
                        .build())
                .sourceIpAddress("203.0.113.7")
                .requestId("req-1")
                .resource("Order", "o-1")
                .requestParameter("note", "审计")
                .build();
    }

    private static ConsumerRecord<byte[], byte[]> writeOne(KafkaAuditSink.Builder builder, AuditEvent event)
            throws Exception {
        try (KafkaAuditSink sink = builder.build()) {
            sink.write(AuditBatch.of(List.of(AuditRecord.of(event))));
        }
        List<ConsumerRecord<byte[], byte[]>> read =
                broker.readAll(builder.build().topic());
        assertThat(read).hasSize(1);
        return read.get(0);
    }

    private static KafkaAuditSink.Builder sink() throws Exception {
        String topic = "formats-" + UUID.randomUUID();
        broker.createTopic(topic, 1, Map.of());
        return KafkaAuditSink.builder(broker.bootstrapServers(), topic);
    }

    private static Map<String, String> headers(ConsumerRecord<byte[], byte[]> record) {
        Map<String, String> headers = new LinkedHashMap<>();
        for (Header header : record.headers()) {
            headers.put(header.key(), new String(header.value(), StandardCharsets.UTF_8));
        }
        return headers;
    }

    @Test
    void ocsfRecordsReachTheTopicAsApiActivity() throws Exception {
        AuditEvent event = event();
        ConsumerRecord<byte[], byte[]> record = writeOne(sink().format(EventFormats.ocsf()), event);
        JsonNode ocsf = JSON.readTree(record.value());
        assertThat(record.value()).isEqualTo(EventFormats.ocsf().encode(event));
        assertThat(ocsf.get("class_uid").asInt()).isEqualTo(6003);
        assertThat(ocsf.at("/metadata/uid").asText()).isEqualTo(event.eventId());
        assertThat(ocsf.at("/api/request/data/note").asText()).isEqualTo("审计");
        assertThat(new String(record.key(), StandardCharsets.UTF_8)).isEqualTo(event.eventId());
        assertThat(headers(record))
                .containsEntry(KafkaAuditSink.HEADER_CONTENT_TYPE, "application/json")
                .containsEntry(KafkaAuditSink.HEADER_EVENT_NAME, "CreateOrder")
                .containsEntry(KafkaAuditSink.HEADER_TENANT, "acct-42");
    }

    @Test
    void cloudEventsStructuredRecordsCarryTheirMediaType() throws Exception {
        AuditEvent event = event();
        ConsumerRecord<byte[], byte[]> record = writeOne(sink().format(EventFormats.cloudEvents()), event);
        JsonNode ce = JSON.readTree(record.value());
        assertThat(ce.get("specversion").asText()).isEqualTo("1.0");
        assertThat(ce.get("id").asText()).isEqualTo(event.eventId());
        assertThat(ce.get("data")).isEqualTo(JSON.readTree(event.toJson()));
        assertThat(headers(record)).containsEntry("content-type", "application/cloudevents+json");
        assertThat(headers(record).keySet()).noneMatch(name -> name.startsWith("ce_"));
    }

    @Test
    void cloudEventsBinaryRecordsCarryTheAttributesAsCeHeaders() throws Exception {
        AuditEvent event = event();
        ConsumerRecord<byte[], byte[]> record = writeOne(sink().format(EventFormats.cloudEventsBinary()), event);
        assertThat(new String(record.value(), StandardCharsets.UTF_8)).isEqualTo(event.toJson());
        assertThat(headers(record))
                .containsEntry("content-type", "application/json")
                .containsEntry("ce_specversion", "1.0")
                .containsEntry("ce_id", event.eventId())
                .containsEntry("ce_source", "/orders")
                .containsEntry("ce_type", "io.actiontrail.audit.v1")
                .containsEntry("ce_time", "2026-03-14T09:26:53.589Z")
                .containsEntry("ce_subject", "Order/o-1")
                .containsEntry(KafkaAuditSink.HEADER_EVENT_NAME, "CreateOrder");
    }

    @Test
    void cloudTrailRecordsReachTheTopicInCloudTrailsShape() throws Exception {
        AuditEvent event = event();
        JsonNode ct = JSON.readTree(
                writeOne(sink().format(EventFormats.cloudTrail()), event).value());
        assertThat(ct.get("eventID").asText()).isEqualTo(event.eventId());
        assertThat(ct.get("eventType").asText()).isEqualTo("AwsApiCall");
        assertThat(ct.at("/userIdentity/accountId").asText()).isEqualTo("acct-42");
    }

    @Test
    void theDefaultStaysTheJournalLineWithoutAContentTypeHeader() throws Exception {
        AuditEvent event = event();
        KafkaAuditSink.Builder builder = sink();
        assertThat(builder.build().format()).isSameAs(EventFormats.actionTrail());
        ConsumerRecord<byte[], byte[]> record = writeOne(builder, event);
        assertThat(record.value()).isEqualTo(event.toJson().getBytes(StandardCharsets.UTF_8));
        assertThat(headers(record)).doesNotContainKey(KafkaAuditSink.HEADER_CONTENT_TYPE);
    }

    @Test
    void aLineThatDoesNotDecodeIsRefusedInAnotherFormatAndTheRestDelivered() throws Exception {
        AuditEvent good = event();
        AuditRecord broken = AuditRecord.ofEncoded(
                "broken-1", Instant.parse("2026-03-14T09:26:53Z"), "{\"eventId\":".getBytes(StandardCharsets.UTF_8));
        KafkaAuditSink.Builder builder = sink().format(EventFormats.ocsf());
        DeliveryException failure;
        try (KafkaAuditSink sink = builder.build()) {
            failure = org.assertj.core.api.Assertions.catchThrowableOfType(
                    DeliveryException.class, () -> sink.write(AuditBatch.of(List.of(broken, AuditRecord.of(good)))));
        }
        assertThat(failure.isRetryable()).isFalse();
        assertThat(failure.refused()).containsExactly("broken-1");
        assertThat(failure.delivered()).containsExactly(good.eventId());
        assertThat(failure.getMessage())
                .contains("not encodable")
                .contains("broken-1")
                .contains("ocsf");
        assertThat(broker.readAll(builder.build().topic())).hasSize(1);
    }
}
