package io.actiontrail.sink.opensearch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.actiontrail.AuditEvent;
import io.actiontrail.InvalidSettingException;
import io.actiontrail.UserIdentity;
import io.actiontrail.format.EventFormats;
import io.actiontrail.sink.AuditBatch;
import io.actiontrail.sink.AuditRecord;
import io.actiontrail.sink.DeliveryException;
import io.actiontrail.testsupport.OpenSearchNode;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Documents in the other event formats, indexed by a real OpenSearch node. */
final class OpenSearchFormatTest {

    @RegisterExtension
    static final OpenSearchNode NODE = new OpenSearchNode();

    private static final Instant T0 = Instant.parse("2026-03-14T09:26:53.589Z");

    private static List<AuditEvent> events(int count) {
        List<AuditEvent> events = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            events.add(AuditEvent.builder("CreateOrder")
                    .eventTime(T0.plusMillis(i))
                    .serviceName("orders")
                    .sourceIpAddress("203.0.113." + (i + 1))
                    .userIdentity(UserIdentity.user("u-" + i, "alice"))
                    .resource("Order", "o-" + i)
                    .requestParameter("id", i)
                    .build());
        }
        return events;
    }

    private static JsonNode hits(String index) {
        NODE.refresh(index);
        return NODE.call("POST", "/" + index + "-*/_search", "{\"size\":100}")
                .path("hits")
                .path("hits");
    }

    @Test
    void ocsfDocumentsAreApiActivityWithTheEventIdAsTheirIdAndNoTemplateOfOurs() throws Exception {
        String index = OpenSearchNode.freshIndex("ocsf");
        List<AuditEvent> events = events(3);
        try (OpenSearchAuditSink sink = OpenSearchAuditSink.builder(NODE.url())
                .index(index)
                .format(EventFormats.ocsf())
                .build()) {
            assertThat(sink.format().name()).isEqualTo(EventFormats.OCSF);
            sink.write(AuditBatch.ofEvents(events));
            sink.write(AuditBatch.ofEvents(events)); // delivered again: still one document each
        }

        JsonNode hits = hits(index);
        assertThat(hits).hasSize(3);
        Set<String> ids = new HashSet<>();
        for (JsonNode hit : hits) {
            JsonNode source = hit.path("_source");
            assertThat(source.path("class_uid").asInt()).isEqualTo(6003);
            assertThat(source.path("metadata").path("uid").asText())
                    .isEqualTo(hit.path("_id").asText());
            assertThat(source.has("eventName")).as("not the journal's JSON").isFalse();
            ids.add(hit.path("_id").asText());
        }
        assertThat(ids)
                .containsExactlyInAnyOrderElementsOf(
                        events.stream().map(AuditEvent::eventId).toList());
        assertThat(hits.get(0).path("_index").asText()).isEqualTo(index + "-2026.03.14");
        assertThat(NODE.callAllowingErrors("GET", "/_index_template/" + index, null)
                        .path("error")
                        .path("type")
                        .asText())
                .as("the project's template maps the journal's fields, not OCSF's: not installed")
                .isEqualTo("resource_not_found_exception");
    }

    @Test
    void cloudTrailAndCloudEventsDocumentsCarryTheirOwnShapes() throws Exception {
        String trailIndex = OpenSearchNode.freshIndex("cloudtrail");
        String eventsIndex = OpenSearchNode.freshIndex("cloudevents");
        List<AuditEvent> events = events(2);
        try (OpenSearchAuditSink cloudTrail = OpenSearchAuditSink.builder(NODE.url())
                        .index(trailIndex)
                        .format(EventFormats.cloudTrail())
                        .build();
                OpenSearchAuditSink cloudEvents = OpenSearchAuditSink.builder(NODE.url())
                        .index(eventsIndex)
                        .format(EventFormats.cloudEvents())
                        .build()) {
            cloudTrail.write(AuditBatch.ofEvents(events));
            cloudEvents.write(AuditBatch.ofEvents(events));
        }

        for (JsonNode hit : hits(trailIndex)) {
            JsonNode source = hit.path("_source");
            assertThat(source.path("eventID").asText())
                    .isEqualTo(hit.path("_id").asText());
            assertThat(source.path("eventTime").asText()).startsWith("2026-03-14T09:26:53");
            assertThat(source.path("sourceIPAddress").asText()).startsWith("203.0.113.");
        }
        assertThat(hits(trailIndex)).hasSize(2);
        for (JsonNode hit : hits(eventsIndex)) {
            JsonNode source = hit.path("_source");
            assertThat(source.path("specversion").asText()).isEqualTo("1.0");
            assertThat(source.path("id").asText()).isEqualTo(hit.path("_id").asText());
            assertThat(source.path("data").path("eventName").asText()).isEqualTo("CreateOrder");
        }
        assertThat(hits(eventsIndex)).hasSize(2);
    }

    @Test
    void aLineThatDoesNotDecodeIsRefusedAndCountedWhileTheOthersAreIndexed() throws Exception {
        String index = OpenSearchNode.freshIndex("ocsf-bad");
        AuditEvent good = events(1).get(0);
        AuditRecord broken = AuditRecord.ofEncoded(
                "e-broken", T0, "{\"eventId\":\"e-broken\",\"eventTime\":[]}".getBytes(StandardCharsets.UTF_8));
        AuditBatch batch = AuditBatch.of(List.of(AuditRecord.of(good), broken));
        try (OpenSearchAuditSink sink = OpenSearchAuditSink.builder(NODE.url())
                .index(index)
                .format(EventFormats.ocsf())
                .build()) {
            assertThatThrownBy(() -> sink.write(batch)).isInstanceOfSatisfying(DeliveryException.class, e -> {
                assertThat(e.isRetryable()).isFalse();
                assertThat(e.errorCode()).isEqualTo("encoding_failed");
                assertThat(e.refused()).containsExactly("e-broken");
                assertThat(e.delivered()).containsExactly(good.eventId());
            });
        }
        assertThat(hits(index)).hasSize(1);
    }

    @Test
    void aBinaryFormatIsRefusedNamingTheSetting() {
        assertThatThrownBy(() -> OpenSearchAuditSink.builder(NODE.url()).format(EventFormats.cloudEventsBinary()))
                .isInstanceOfSatisfying(InvalidSettingException.class, e -> assertThat(e.setting())
                        .isEqualTo("format"))
                .hasMessageContaining("structured mode");
    }
}
