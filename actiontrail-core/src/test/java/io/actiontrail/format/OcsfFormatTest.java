package io.actiontrail.format;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.JsonSchema;
import io.actiontrail.AuditEvent;
import io.actiontrail.EventRW;
import io.actiontrail.Outcome;
import io.actiontrail.UserIdentity;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** OCSF API Activity: every field of the golden event, validated against a schema built from OCSF's own files. */
class OcsfFormatTest {

    private static final JsonSchema SCHEMA = Schemas.ocsfApiActivity();

    static AuditEvent golden() {
        return AuditEvent.fromJson(Schemas.text("/golden/full-event.json"));
    }

    private static JsonNode ocsf(AuditEvent event) {
        byte[] json = EventFormats.ocsf().encode(event);
        assertThat(Schemas.errors(SCHEMA, json))
                .as(new String(json, StandardCharsets.UTF_8))
                .isEmpty();
        return Schemas.parse(json);
    }

    @Test
    void encodesTheGoldenEventExactlyAsTheGoldenOcsfFile() {
        byte[] json = EventFormats.ocsf().encode(golden());
        assertThat(new String(json, StandardCharsets.UTF_8)).isEqualTo(Schemas.text("/golden/ocsf-full-event.json"));
        assertThat(Schemas.errors(SCHEMA, json)).isEmpty();
    }

    @Test
    void mapsEveryFieldOfTheGoldenEvent() {
        AuditEvent e = golden();
        JsonNode o = ocsf(e);
        assertThat(o.get("class_uid").asInt()).isEqualTo(6003);
        assertThat(o.get("category_uid").asInt()).isEqualTo(6);
        assertThat(o.at("/metadata/version").asText()).isEqualTo("1.8.0");
        // every component of AuditEvent, in declaration order
        assertThat(o.at("/metadata/log_version").asText()).isEqualTo(e.eventVersion());
        assertThat(o.at("/metadata/uid").asText()).isEqualTo(e.eventId());
        assertThat(o.get("time").asLong()).isEqualTo(e.eventTime().toEpochMilli());
        assertThat(o.at("/api/operation").asText()).isEqualTo("CreateOrder");
        assertThat(o.at("/metadata/event_code").asText()).isEqualTo("CreateOrder");
        assertThat(o.get("activity_id").asInt()).isEqualTo(1);
        assertThat(o.get("type_uid").asLong()).isEqualTo(600301L);
        assertThat(o.at("/metadata/log_name").asText()).isEqualTo("ConsoleOperation");
        assertThat(o.at("/unmapped/eventRW").asText()).isEqualTo("Write");
        assertThat(o.at("/metadata/product/feature/name").asText()).isEqualTo("Data");
        assertThat(o.at("/api/service/name").asText()).isEqualTo("orders");
        assertThat(o.at("/dst_endpoint/svc_name").asText()).isEqualTo("orders");
        assertThat(o.at("/dst_endpoint/hostname").asText()).isEqualTo("orders-7f9c.prod.internal");
        assertThat(o.at("/unmapped/region").asText()).isEqualTo("cn-hangzhou");
        assertThat(o.at("/actor/user/type").asText()).isEqualTo("AssumedRole");
        assertThat(o.at("/actor/user/type_id").asInt()).isEqualTo(99);
        assertThat(o.at("/actor/user/uid").asText()).isEqualTo("u-42");
        assertThat(o.at("/actor/user/name").asText()).isEqualTo("alice");
        assertThat(o.at("/actor/user/account/uid").asText()).isEqualTo("tenant-9");
        assertThat(o.at("/metadata/tenant_uid").asText()).isEqualTo("tenant-9");
        assertThat(o.at("/actor/user/credential_uid").asText()).isEqualTo("AK-EXAMPLE");
        assertThat(o.at("/actor/session/is_mfa").asBoolean()).isTrue();
        assertThat(o.at("/actor/session/created_time").asLong())
                .isEqualTo(Instant.parse("2026-11-24T07:00:00Z").toEpochMilli());
        assertThat(o.at("/unmapped/userIdentity/sessionContext/roles").toString())
                .isEqualTo("[\"admin\",\"auditor\"]");
        assertThat(o.at("/src_endpoint/ip").asText()).isEqualTo("203.0.113.7");
        assertThat(o.at("/http_request/user_agent").asText()).isEqualTo("Mozilla/5.0 (X11; Linux x86_64)");
        assertThat(o.at("/api/request/uid").asText()).isEqualTo("req-1");
        assertThat(o.at("/resources/0/type").asText()).isEqualTo("Order");
        assertThat(o.at("/resources/0/uid").asText()).isEqualTo("o-1001");
        assertThat(o.at("/resources/0/role").asText()).isEqualTo("Target");
        assertThat(o.get("resources").findValuesAsText("uid")).containsExactly("o-1001", "c-7", "c-8");
        assertThat(o.at("/resources/1/type").asText()).isEqualTo("Customer");
        assertThat(o.at("/resources/1/role").asText()).isEqualTo("Related");
        assertThat(o.at("/api/request/data")).isEqualTo(Schemas.parse(Json.write(w -> w.tree(e.requestParameters()))));
        assertThat(o.at("/api/request/data/address/city").asText()).isEqualTo("杭州");
        assertThat(o.at("/api/response/data/total").asDouble()).isEqualTo(59.97);
        assertThat(o.get("status_id").asInt()).isEqualTo(2);
        assertThat(o.get("status").asText()).isEqualTo("Failure");
        assertThat(o.at("/api/response/error").asText()).isEqualTo("InsufficientStock");
        assertThat(o.get("status_code").asText()).isEqualTo("InsufficientStock");
        assertThat(o.at("/api/response/error_message").asText()).isEqualTo("only 2 left");
        assertThat(o.get("duration").asLong()).isEqualTo(42);
        assertThat(o.at("/unmapped/additionalEventData/attempt").asInt()).isEqualTo(1);
        assertThat(o.at("/unmapped/additionalEventData/flags").toString()).isEqualTo("[true,false]");
    }

    @Test
    void aMinimalEventIsStillAValidApiActivity() {
        AuditEvent minimal = AuditEvent.builder("Ping")
                .eventId("0190f1a2-7b3c-7d4e-8f60-000000000001")
                .eventTime(Instant.parse("2026-11-24T08:15:30Z"))
                .build();
        JsonNode o = ocsf(minimal);
        assertThat(o.get("activity_id").asInt()).isEqualTo(99);
        assertThat(o.at("/actor/user/name").asText()).isEqualTo("unknown");
        assertThat(o.at("/src_endpoint/name").asText()).isEqualTo("unknown");
        assertThat(o.get("status_id").asInt()).isZero();
        assertThat(o.has("unmapped")).isFalse();
    }

    @Test
    void mapsEachIdentityTypeOutcomeAndSourceToValidValues() {
        for (UserIdentity.Type type : UserIdentity.Type.values()) {
            for (Outcome outcome : Outcome.values()) {
                AuditEvent event = AuditEvent.builder("ListOrders")
                        .eventRW(EventRW.READ)
                        .userIdentity(UserIdentity.builder(type).build())
                        .outcome(outcome)
                        .sourceIpAddress(type == UserIdentity.Type.USER ? "2001:db8::1" : "gateway.internal")
                        .requestParameters(Map.of("page", 2))
                        .resource("Order", null)
                        .build();
                JsonNode o = ocsf(event);
                assertThat(o.at("/actor/user/type").asText()).isEqualTo(type.wireName());
                assertThat(o.get("activity_id").asInt()).isEqualTo(2);
                assertThat(o.get("status_id").asInt()).isEqualTo(outcome == Outcome.SUCCESS ? 1 : 2);
                assertThat(o.at("/unmapped/requestParameters/page").asInt()).isEqualTo(2);
            }
        }
        assertThat(ocsf(AuditEvent.builder("X")
                                .sourceIpAddress("gateway.internal")
                                .build())
                        .at("/src_endpoint/domain")
                        .asText())
                .isEqualTo("gateway.internal");
        assertThat(ocsf(AuditEvent.builder("X").outcome(Outcome.DENIED).build())
                        .get("status_detail")
                        .asText())
                .isEqualTo("Denied");
    }

    @Test
    void takesTheActivityFromTheLeadingVerbAsTheMappingDoes() {
        Map<String, Integer> expected = Map.of(
                "CreateOrder", 1,
                "GetUpdateStatus", 2,
                "DescribeOrders", 2,
                "PutPolicy", 3,
                "DeregisterNode", 3,
                "DeleteOrder", 4,
                "TerminateJob", 4,
                "Listener", 99,
                "Approve", 99);
        expected.forEach((name, activity) -> assertThat(
                        OcsfFormat.activityId(AuditEvent.builder(name).build()))
                .as(name)
                .isEqualTo(activity));
    }

    @Test
    void theBuiltSchemaRefusesWhatOcsfRefuses() {
        ObjectNode valid = (ObjectNode) Schemas.parse(EventFormats.ocsf().encode(golden()));
        assertThat(Schemas.errors(SCHEMA, valid.toString().getBytes(StandardCharsets.UTF_8)))
                .isEmpty();
        for (String broken : List.of(
                "/class_uid=6002",
                "/time=\"2026-11-24\"",
                "/actor=null",
                "/severity_id=7",
                "/src_endpoint/ip=\"not an address\"",
                "/api/request/uid=null",
                "/colour=\"red\"",
                "/actor/user/ldap_person={}")) {
            ObjectNode copy = valid.deepCopy();
            int eq = broken.indexOf('=');
            String path = broken.substring(0, eq);
            JsonNode value = Schemas.parse(broken.substring(eq + 1).getBytes(StandardCharsets.UTF_8));
            int slash = path.lastIndexOf('/');
            ObjectNode parent = (ObjectNode) (slash == 0 ? copy : copy.at(path.substring(0, slash)));
            if (value.isNull()) {
                parent.remove(path.substring(slash + 1));
            } else {
                parent.set(path.substring(slash + 1), value);
            }
            assertThat(Schemas.errors(SCHEMA, copy.toString().getBytes(StandardCharsets.UTF_8)))
                    .as(broken)
                    .isNotEmpty();
        }
    }
}
