package io.actiontrail.format;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.JsonSchema;
import io.actiontrail.AuditEvent;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** CloudEvents 1.0, validated against the specification's own JSON Schema. */
class CloudEventsFormatTest {

    private static final JsonSchema SCHEMA = Schemas.cloudEvents();

    @Test
    void structuredModeIsAValidCloudEventWithTheJournalLineAsData() {
        AuditEvent event = OcsfFormatTest.golden();
        byte[] json = EventFormats.cloudEvents().encode(event);
        assertThat(Schemas.errors(SCHEMA, json)).isEmpty();
        assertThat(new String(json, StandardCharsets.UTF_8))
                .isEqualTo(Schemas.text("/golden/cloudevents-full-event.json"));
        JsonNode ce = Schemas.parse(json);
        assertThat(ce.get("specversion").asText()).isEqualTo("1.0");
        assertThat(ce.get("id").asText()).isEqualTo(event.eventId());
        assertThat(ce.get("source").asText()).isEqualTo("/orders");
        assertThat(ce.get("type").asText()).isEqualTo("io.actiontrail.audit.v1");
        assertThat(ce.get("time").asText()).isEqualTo("2026-11-24T08:15:30.123Z");
        assertThat(ce.get("subject").asText()).isEqualTo("Order/o-1001");
        assertThat(ce.get("datacontenttype").asText()).isEqualTo("application/json");
        assertThat(ce.get("data")).isEqualTo(Schemas.parse(event.toJson().getBytes(StandardCharsets.UTF_8)));
        assertThat(EventFormats.cloudEvents().contentType()).isEqualTo("application/cloudevents+json");
        assertThat(EventFormats.cloudEvents().batchContentType()).isEqualTo("application/cloudevents-batch+json");
        assertThat(EventFormats.cloudEvents().headers(event, Binding.KAFKA)).isEmpty();
    }

    @Test
    void aMinimalEventHasTheRequiredAttributesOnly() {
        AuditEvent minimal = AuditEvent.builder("Ping")
                .eventId("id-1")
                .eventTime(Instant.parse("2026-11-24T08:15:30Z"))
                .build();
        byte[] json = EventFormats.cloudEvents().encode(minimal);
        assertThat(Schemas.errors(SCHEMA, json)).isEmpty();
        JsonNode ce = Schemas.parse(json);
        assertThat(ce.get("source").asText()).isEqualTo("/actiontrail");
        assertThat(ce.has("subject")).isFalse();
    }

    @Test
    void aServiceNameOfAnyTextMakesAValidSource() {
        AuditEvent event =
                AuditEvent.builder("X").serviceName("billing api/杭州 #1").build();
        byte[] json = EventFormats.cloudEvents().encode(event);
        assertThat(Schemas.errors(SCHEMA, json)).isEmpty();
        assertThat(Schemas.parse(json).get("source").asText()).isEqualTo("/billing%20api%2F%E6%9D%AD%E5%B7%9E%20%231");
    }

    @Test
    void binaryModeCarriesTheAttributesInHeadersAndTheLineAsTheBody() {
        AuditEvent event = OcsfFormatTest.golden();
        EventFormat binary = EventFormats.cloudEventsBinary();
        assertThat(binary.isBinary()).isTrue();
        assertThat(binary.contentType()).isEqualTo("application/json");
        assertThat(new String(binary.encode(event), StandardCharsets.UTF_8)).isEqualTo(event.toJson());
        assertThat(binary.headers(event, Binding.KAFKA))
                .containsExactly(
                        Map.entry("ce_specversion", "1.0"),
                        Map.entry("ce_id", event.eventId()),
                        Map.entry("ce_source", "/orders"),
                        Map.entry("ce_type", "io.actiontrail.audit.v1"),
                        Map.entry("ce_time", "2026-11-24T08:15:30.123Z"),
                        Map.entry("ce_subject", "Order/o-1001"));
        assertThat(binary.headers(event, Binding.HTTP)).containsEntry("ce-id", event.eventId());
        // the headers and the body together are the structured event
        ObjectNode rebuilt = Schemas.MAPPER.createObjectNode();
        binary.headers(event, Binding.KAFKA).forEach((name, value) -> rebuilt.put(name.substring(3), value));
        rebuilt.set("data", Schemas.parse(binary.encode(event)));
        assertThat(Schemas.errors(SCHEMA, rebuilt.toString().getBytes(StandardCharsets.UTF_8)))
                .isEmpty();
    }

    @Test
    void httpHeaderValuesArePercentEncodedAsTheHttpBindingSays() {
        AuditEvent event = AuditEvent.builder("X")
                .resource("File", "report \"Q3\" 100%.pdf 杭")
                .build();
        Map<String, String> http = EventFormats.cloudEventsBinary().headers(event, Binding.HTTP);
        assertThat(http.get("ce-subject")).isEqualTo("File/report%20%22Q3%22%20100%25.pdf%20%E6%9D%AD");
        Map<String, String> kafka = EventFormats.cloudEventsBinary().headers(event, Binding.KAFKA);
        assertThat(kafka.get("ce_subject")).isEqualTo("File/report \"Q3\" 100%.pdf 杭");
    }

    @Test
    void theSchemaRefusesAnEventWithoutItsRequiredAttributes() {
        ObjectNode ce = (ObjectNode) Schemas.parse(EventFormats.cloudEvents().encode(OcsfFormatTest.golden()));
        for (String attribute : new String[] {"id", "source", "specversion", "type"}) {
            ObjectNode copy = ce.deepCopy();
            copy.remove(attribute);
            assertThat(Schemas.errors(SCHEMA, copy.toString().getBytes(StandardCharsets.UTF_8)))
                    .as(attribute)
                    .isNotEmpty();
        }
        ObjectNode badTime = ce.deepCopy();
        badTime.put("time", "yesterday");
        assertThat(Schemas.errors(SCHEMA, badTime.toString().getBytes(StandardCharsets.UTF_8)))
                .isNotEmpty();
    }
}
