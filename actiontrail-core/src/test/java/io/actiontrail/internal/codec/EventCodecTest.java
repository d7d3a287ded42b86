package io.actiontrail.internal.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.actiontrail.AuditEvent;
import io.actiontrail.EventCategory;
import io.actiontrail.EventRW;
import io.actiontrail.EventType;
import io.actiontrail.Outcome;
import io.actiontrail.UserIdentity;
import io.actiontrail.internal.capture.Snapshotter;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

class EventCodecTest {

    static AuditEvent fullEvent() {
        Map<String, @Nullable Object> address = new LinkedHashMap<>();
        address.put("city", "杭州");
        address.put("line", "\"quoted\" \\ back\nslash");
        Map<String, @Nullable Object> item = new LinkedHashMap<>();
        item.put("sku", "A-1");
        item.put("tags", List.of("new"));
        Map<String, @Nullable Object> request = new LinkedHashMap<>();
        request.put("customerId", "c-7");
        request.put("quantity", 3);
        request.put("price", 19.99);
        request.put("express", false);
        request.put("note", null);
        request.put("items", List.of(item));
        request.put("address", address);
        Map<String, List<String>> referenced = new LinkedHashMap<>();
        referenced.put("Order", List.of("o-1001"));
        referenced.put("Customer", List.of("c-7", "c-8"));
        return AuditEvent.builder("CreateOrder")
                .eventId("0190f1a2-7b3c-7d4e-8f60-123456789abc")
                .eventTime(Instant.parse("2026-11-24T08:15:30.123456Z"))
                .eventType(EventType.CONSOLE_OPERATION)
                .eventRW(EventRW.WRITE)
                .eventCategory(EventCategory.DATA)
                .serviceName("orders")
                .eventSource("orders-7f9c.prod.internal")
                .region("cn-hangzhou")
                .userIdentity(UserIdentity.builder(UserIdentity.Type.ASSUMED_ROLE)
                        .principalId("u-42")
                        .userName("alice")
                        .accountId("tenant-9")
                        .accessKeyId("AK-EXAMPLE")
                        .sessionContext(new UserIdentity.SessionContext(
                                true, Instant.parse("2026-11-24T07:00:00Z"), List.of("admin", "auditor")))
                        .build())
                .sourceIpAddress("203.0.113.7")
                .userAgent("Mozilla/5.0 (X11; Linux x86_64)")
                .requestId("req-1")
                .resource("Order", "o-1001")
                .referencedResources(referenced)
                .requestParameters(request)
                .responseElements(Map.of("id", "o-1001"))
                .responseElements(orderedMap("id", "o-1001", "total", 59.97))
                .outcome(Outcome.FAILURE)
                .errorCode("InsufficientStock")
                .errorMessage("only 2 left")
                .durationMs(42L)
                .additionalEventData(orderedMap("attempt", 1, "flags", List.of(true, false)))
                .build();
    }

    private static Map<String, @Nullable Object> orderedMap(String k1, Object v1, String k2, Object v2) {
        Map<String, @Nullable Object> map = new LinkedHashMap<>();
        map.put(k1, v1);
        map.put(k2, v2);
        return map;
    }

    static String golden(String name) throws IOException {
        try (InputStream in =
                Objects.requireNonNull(EventCodecTest.class.getResourceAsStream("/golden/" + name), name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).strip();
        }
    }

    @Test
    void encodesEveryFieldExactlyAsTheGoldenFile() throws IOException {
        assertThat(fullEvent().toJson()).isEqualTo(golden("full-event.json"));
    }

    @Test
    void decodesTheGoldenFileToTheSameEvent() throws IOException {
        assertThat(AuditEvent.fromJson(golden("full-event.json"))).isEqualTo(fullEvent());
    }

    @Test
    void everyFieldSurvivesEncodeThenDecode() {
        AuditEvent event = fullEvent();
        AuditEvent decoded = AuditEvent.fromJson(event.toJson());
        assertThat(decoded).isEqualTo(event);
        assertThat(decoded.toJson()).isEqualTo(event.toJson());
        assertThat(decoded.requestParameters()).containsEntry("quantity", 3L).containsEntry("note", null);
    }

    @Test
    void omitsAbsentValues() throws IOException {
        AuditEvent minimal = AuditEvent.builder("ListOrders")
                .eventId("0190f1a2-7b3c-7d4e-8f60-000000000001")
                .eventTime(Instant.parse("2026-11-24T08:15:30Z"))
                .build();
        assertThat(minimal.toJson()).isEqualTo(golden("minimal-event.json")).doesNotContain("null");
        assertThat(AuditEvent.fromJson(minimal.toJson())).isEqualTo(minimal);
    }

    @Test
    void enumSpellingsMatchTheSchema() {
        assertThat(Arrays.stream(EventType.values()).map(EventType::wireName))
                .containsExactly(
                        "ApiCall",
                        "ConsoleOperation",
                        "ConsoleSignin",
                        "ConsoleSignout",
                        "ServiceEvent",
                        "SystemEvent",
                        "ActionTrailInsight");
        assertThat(Arrays.stream(EventRW.values()).map(EventRW::wireName)).containsExactly("Read", "Write");
        assertThat(Arrays.stream(EventCategory.values()).map(EventCategory::wireName))
                .containsExactly("Management", "Data", "Insight");
        assertThat(Arrays.stream(Outcome.values()).map(Outcome::wireName))
                .containsExactly("Success", "Failure", "Denied");
        assertThat(Arrays.stream(UserIdentity.Type.values()).map(UserIdentity.Type::wireName))
                .containsExactly("User", "Service", "Anonymous", "System", "AssumedRole");
        for (EventType type : EventType.values()) {
            assertThat(EventType.fromWireName(type.wireName())).isSameAs(type);
        }
        for (UserIdentity.Type type : UserIdentity.Type.values()) {
            assertThat(UserIdentity.Type.fromWireName(type.wireName())).isSameAs(type);
        }
    }

    @Test
    void writesTimesInUtcWithMilliseconds() {
        assertThat(EventCodec.formatTime(Instant.parse("2026-01-02T03:04:05Z"))).isEqualTo("2026-01-02T03:04:05.000Z");
        assertThat(EventCodec.formatTime(Instant.parse("1999-12-31T23:59:59.999999Z")))
                .isEqualTo("1999-12-31T23:59:59.999Z");
        assertThat(EventCodec.formatTime(Instant.parse("+12345-01-01T00:00:00Z")))
                .isEqualTo("+12345-01-01T00:00:00Z");
        AuditEvent event = AuditEvent.builder("X")
                .eventTime(Instant.parse("2026-11-24T08:15:30.123999Z"))
                .build();
        assertThat(event.eventTime()).isEqualTo(Instant.parse("2026-11-24T08:15:30.123Z"));
    }

    @Test
    void ignoresFieldsOfANewerMinorVersion() {
        String json = "{\"eventVersion\":\"1.1\",\"eventId\":\"id-1\",\"eventTime\":\"2026-11-24T08:15:30.000Z\","
                + "\"eventName\":\"X\",\"futureField\":{\"nested\":[1,2,{\"a\":null}]},\"futureFlag\":true}";
        AuditEvent event = AuditEvent.fromJson(json);
        assertThat(event.eventVersion()).isEqualTo("1.1");
        assertThat(event.eventName()).isEqualTo("X");
    }

    @Test
    void treatsJsonNullAsAbsent() {
        AuditEvent event = AuditEvent.fromJson("{\"eventId\":\"id-1\",\"eventTime\":\"2026-11-24T08:15:30.000Z\","
                + "\"eventName\":\"X\",\"userAgent\":null,\"requestParameters\":null}");
        assertThat(event.userAgent()).isNull();
        assertThat(event.requestParameters()).isNull();
    }

    @Test
    void rejectsInvalidEventsWithAClearMessage() {
        String time = "\"eventTime\":\"2026-11-24T08:15:30.000Z\"";
        assertThatThrownBy(() -> AuditEvent.fromJson("not json"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("not a valid audit event");
        assertThatThrownBy(() -> AuditEvent.fromJson("[1,2]"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("expected a JSON object");
        assertThatThrownBy(() -> AuditEvent.fromJson("{\"eventId\":\"a\"," + time + "}"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("eventName are required");
        assertThatThrownBy(() ->
                        AuditEvent.fromJson("{\"eventId\":\"a\",\"eventName\":\"X\",\"eventTime\":\"yesterday\"}"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("eventTime is not an ISO-8601 time");
        assertThatThrownBy(() -> AuditEvent.fromJson(
                        "{\"eventId\":\"a\",\"eventName\":\"X\"," + time + ",\"eventRW\":\"ReadWrite\"}"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("ReadWrite");
        assertThatThrownBy(() -> AuditEvent.fromJson("{\"eventId\":\"a\",\"eventName\":7," + time + "}"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("eventName must be a string");
        assertThatThrownBy(() -> AuditEvent.fromJson(
                        "{\"eventId\":\"a\",\"eventName\":\"X\"," + time + ",\"requestParameters\":[1]}"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("requestParameters must be an object");
        assertThatThrownBy(() -> AuditEvent.fromJson(
                        "{\"eventId\":\"a\",\"eventName\":\"X\"," + time + ",\"userIdentity\":{\"userName\":\"bob\"}}"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("userIdentity.type is required");
        assertThatThrownBy(() -> AuditEvent.fromJson(
                        "{\"eventId\":\"a\",\"eventName\":\"X\"," + time + ",\"durationMs\":\"fast\"}"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("durationMs must be an integer");
        assertThatThrownBy(() -> AuditEvent.fromJson("{\"eventId\":\"a\",\"eventName\":\"X\"," + time))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void keepsNumbersLosslessly() {
        AuditEvent event = AuditEvent.builder("X")
                .requestParameter("long", Long.MAX_VALUE)
                .requestParameter("double", 0.1 + 0.2)
                .requestParameter("big", new java.math.BigInteger("123456789012345678901234567890"))
                .requestParameter("money", new java.math.BigDecimal("10.10"))
                .requestParameter("nan", Double.NaN)
                .build();
        AuditEvent decoded = AuditEvent.fromJson(event.toJson());
        assertThat(decoded).isEqualTo(event);
        assertThat(decoded.requestParameters())
                .containsEntry("long", Long.MAX_VALUE)
                .containsEntry("double", 0.1 + 0.2)
                .containsEntry("big", "123456789012345678901234567890")
                .containsEntry("money", "10.10")
                .containsEntry("nan", "NaN");
    }

    @Test
    void decodesEventsNestedAsDeeplyAsCaptureCanProduce() {
        Object nested = "leaf";
        for (int i = 0; i < Snapshotter.MAX_DEPTH_LIMIT + 10; i++) {
            Map<String, @Nullable Object> level = new LinkedHashMap<>();
            level.put("next", nested);
            nested = level;
        }
        Map<String, @Nullable Object> params = new LinkedHashMap<>();
        params.put("deep", nested);
        AuditEvent event = AuditEvent.builder("Deep")
                .requestParameters(JsonTree.freezeObject(params))
                .build();
        assertThat(AuditEvent.fromJson(event.toJson())).isEqualTo(event);
    }

    @Test
    void eventsAreDeeplyImmutable() {
        Map<String, @Nullable Object> params = new LinkedHashMap<>();
        List<Object> list = new ArrayList<>(List.of("a"));
        params.put("list", list);
        AuditEvent event = AuditEvent.builder("X").requestParameters(params).build();
        params.put("late", "x");
        list.add("b");
        Map<String, @Nullable Object> stored = event.requestParameters();
        if (stored == null) {
            throw new AssertionError("requestParameters missing");
        }
        assertThat(stored).containsOnlyKeys("list");
        assertThat(stored.get("list")).isEqualTo(List.of("a"));
        assertThatThrownBy(() -> stored.put("x", "y")).isInstanceOf(UnsupportedOperationException.class);
        @SuppressWarnings("unchecked")
        List<Object> storedList = (List<Object>) Objects.requireNonNull(stored.get("list"));
        assertThatThrownBy(() -> storedList.add("c")).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void rejectsNonJsonValuesInTheCanonicalConstructor() {
        AuditEvent base = AuditEvent.builder("X").build();
        assertThatThrownBy(() -> new AuditEvent(
                        base.eventVersion(),
                        base.eventId(),
                        base.eventTime(),
                        "X",
                        null,
                        null,
                        null,
                        null,
                        null,
                        null,
                        null,
                        null,
                        null,
                        null,
                        null,
                        null,
                        null,
                        Map.of("thread", Thread.currentThread()),
                        null,
                        null,
                        null,
                        null,
                        null,
                        null,
                        null,
                        null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not a JSON value");
        assertThatThrownBy(() -> AuditEvent.builder(" ").build())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("eventName is required");
        assertThatThrownBy(() -> AuditEvent.builder("X").durationMs(-1L))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("-1");
    }
}
