package io.actiontrail.format;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.JsonSchema;
import io.actiontrail.AuditEvent;
import io.actiontrail.EventType;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The CloudTrail record shape. AWS publishes no JSON Schema of CloudTrail records: the schema these tests validate
 * against was written from AWS's documentation of the record contents (see its {@code $comment}).
 */
class CloudTrailFormatTest {

    private static final JsonSchema SCHEMA = Schemas.cloudTrail();

    @Test
    void encodesTheGoldenEventAsTheGoldenCloudTrailRecord() {
        byte[] json = EventFormats.cloudTrail().encode(OcsfFormatTest.golden());
        assertThat(Schemas.errors(SCHEMA, json)).isEmpty();
        assertThat(new String(json, StandardCharsets.UTF_8))
                .isEqualTo(Schemas.text("/golden/cloudtrail-full-event.json"));
    }

    @Test
    void mapsEveryFieldOfTheGoldenEvent() {
        AuditEvent e = OcsfFormatTest.golden();
        JsonNode r = Schemas.parse(EventFormats.cloudTrail().encode(e));
        assertThat(r.get("eventVersion").asText()).isEqualTo("1.08");
        assertThat(r.at("/additionalEventData/actionTrail/eventVersion").asText())
                .isEqualTo("1.0");
        assertThat(r.get("eventID").asText()).isEqualTo(e.eventId());
        assertThat(r.get("eventTime").asText()).isEqualTo("2026-11-24T08:15:30.123Z");
        assertThat(r.get("eventName").asText()).isEqualTo("CreateOrder");
        assertThat(r.get("eventType").asText()).isEqualTo("AwsConsoleAction");
        assertThat(r.at("/additionalEventData/actionTrail/eventType").asText()).isEqualTo("ConsoleOperation");
        assertThat(r.get("readOnly").asBoolean()).isFalse();
        assertThat(r.at("/additionalEventData/actionTrail/eventRW").asText()).isEqualTo("Write");
        assertThat(r.get("eventCategory").asText()).isEqualTo("Data");
        assertThat(r.get("managementEvent").asBoolean()).isFalse();
        assertThat(r.get("eventSource").asText()).isEqualTo("orders");
        assertThat(r.at("/tlsDetails/clientProvidedHostHeader").asText()).isEqualTo("orders-7f9c.prod.internal");
        assertThat(r.at("/additionalEventData/actionTrail/eventSource").asText())
                .isEqualTo("orders-7f9c.prod.internal");
        assertThat(r.get("awsRegion").asText()).isEqualTo("cn-hangzhou");
        assertThat(r.at("/userIdentity/type").asText()).isEqualTo("AssumedRole");
        assertThat(r.at("/userIdentity/principalId").asText()).isEqualTo("u-42");
        assertThat(r.at("/userIdentity/userName").asText()).isEqualTo("alice");
        assertThat(r.at("/userIdentity/accountId").asText()).isEqualTo("tenant-9");
        assertThat(r.get("recipientAccountId").asText()).isEqualTo("tenant-9");
        assertThat(r.at("/userIdentity/accessKeyId").asText()).isEqualTo("AK-EXAMPLE");
        assertThat(r.at("/userIdentity/sessionContext/attributes/mfaAuthenticated")
                        .asText())
                .isEqualTo("true");
        assertThat(r.at("/userIdentity/sessionContext/attributes/creationDate").asText())
                .isEqualTo("2026-11-24T07:00:00.000Z");
        assertThat(r.at("/additionalEventData/actionTrail/roles").toString()).isEqualTo("[\"admin\",\"auditor\"]");
        assertThat(r.get("sourceIPAddress").asText()).isEqualTo("203.0.113.7");
        assertThat(r.get("userAgent").asText()).isEqualTo("Mozilla/5.0 (X11; Linux x86_64)");
        assertThat(r.get("requestID").asText()).isEqualTo("req-1");
        assertThat(r.at("/resources/0/ARN").asText()).isEqualTo("o-1001");
        assertThat(r.at("/resources/0/type").asText()).isEqualTo("Order");
        assertThat(r.get("resources").findValuesAsText("ARN")).containsExactly("o-1001", "c-7", "c-8");
        assertThat(r.at("/additionalEventData/actionTrail/resourceType").asText())
                .isEqualTo("Order");
        assertThat(r.at("/additionalEventData/actionTrail/resourceName").asText())
                .isEqualTo("o-1001");
        assertThat(r.at("/requestParameters/address/city").asText()).isEqualTo("杭州");
        assertThat(r.at("/requestParameters/note").isNull()).isTrue();
        assertThat(r.at("/responseElements/total").asDouble()).isEqualTo(59.97);
        assertThat(r.at("/additionalEventData/actionTrail/outcome").asText()).isEqualTo("Failure");
        assertThat(r.get("errorCode").asText()).isEqualTo("InsufficientStock");
        assertThat(r.get("errorMessage").asText()).isEqualTo("only 2 left");
        assertThat(r.at("/additionalEventData/actionTrail/durationMs").asLong()).isEqualTo(42);
        assertThat(r.at("/additionalEventData/attempt").asInt()).isEqualTo(1);
    }

    @Test
    void writesTheAlwaysPresentFieldsAsNullWhenTheEventHasNoValue() {
        AuditEvent minimal = AuditEvent.builder("Ping")
                .eventId("id-1")
                .eventTime(Instant.parse("2026-11-24T08:15:30Z"))
                .build();
        byte[] json = EventFormats.cloudTrail().encode(minimal);
        assertThat(Schemas.errors(SCHEMA, json)).isEmpty();
        JsonNode r = Schemas.parse(json);
        assertThat(r.at("/userIdentity/type").asText()).isEqualTo("Unknown");
        for (String field : new String[] {"awsRegion", "sourceIPAddress", "requestParameters", "requestID"}) {
            assertThat(r.get(field).isNull()).as(field).isTrue();
        }
        assertThat(r.has("errorCode")).isFalse();
    }

    @Test
    void spellsEveryEventTypeAsCloudTrailDoes() {
        for (EventType type : EventType.values()) {
            byte[] json = EventFormats.cloudTrail()
                    .encode(AuditEvent.builder("X").eventType(type).build());
            assertThat(Schemas.errors(SCHEMA, json)).as(type.name()).isEmpty();
        }
        assertThat(CloudTrailFormat.eventType(EventType.CONSOLE_SIGNIN)).isEqualTo("AwsConsoleSignIn");
        assertThat(CloudTrailFormat.eventType(EventType.INSIGHT)).isEqualTo("AwsCloudTrailInsight");
    }

    @Test
    void writesAnInsightAsCloudTrailWritesItsInsightEvents() throws Exception {
        AuditEvent insight = AuditEvent.builder("ApiCallRateInsight")
                .eventType(EventType.INSIGHT)
                .eventCategory(io.actiontrail.EventCategory.INSIGHT)
                .sharedEventId("0b9a4c4e-7e2c-4b8e-9f59-0d7f0f7a1c11")
                .insightDetails(Map.of(
                        "state", "Start",
                        "insightType", "ApiCallRateInsight",
                        "insightContext", Map.of("statistics", Map.of("baseline", Map.of("average", 1.5)))))
                .build();
        byte[] json = EventFormats.cloudTrail().encode(insight);
        assertThat(Schemas.errors(SCHEMA, json)).isEmpty();
        JsonNode r = new com.fasterxml.jackson.databind.ObjectMapper().readTree(json);
        assertThat(r.get("eventType").asText()).isEqualTo("AwsCloudTrailInsight");
        assertThat(r.get("eventCategory").asText()).isEqualTo("Insight");
        assertThat(r.get("sharedEventID").asText()).isEqualTo("0b9a4c4e-7e2c-4b8e-9f59-0d7f0f7a1c11");
        assertThat(r.at("/insightDetails/state").asText()).isEqualTo("Start");
        assertThat(r.at("/insightDetails/insightContext/statistics/baseline/average")
                        .asDouble())
                .isEqualTo(1.5);
    }

    @Test
    void theSchemaRefusesARecordMissingADocumentedField() {
        ObjectNode record = (ObjectNode) Schemas.parse(EventFormats.cloudTrail().encode(OcsfFormatTest.golden()));
        ObjectNode copy = record.deepCopy();
        copy.remove("eventID");
        assertThat(Schemas.errors(SCHEMA, copy.toString().getBytes(StandardCharsets.UTF_8)))
                .isNotEmpty();
        copy = record.deepCopy();
        copy.put("readOnly", "false");
        assertThat(Schemas.errors(SCHEMA, copy.toString().getBytes(StandardCharsets.UTF_8)))
                .isNotEmpty();
    }
}
