package io.actiontrail.sink.opensearch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.actiontrail.AuditEvent;
import io.actiontrail.query.Attribute;
import io.actiontrail.query.Condition;
import io.actiontrail.query.LookupQuery;
import io.actiontrail.sink.AuditBatch;
import io.actiontrail.testsupport.OpenSearchNode;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** What the store does beyond the contract: the limits its class documents, and the mapping networks need. */
final class OpenSearchEventStoreTest {

    @RegisterExtension
    static final OpenSearchNode NODE = new OpenSearchNode();

    @Test
    void theTemplateMapsTheSourceAddressAlsoAsAnIpAndLeavesOutValuesThatAreNoAddress() throws Exception {
        String index = OpenSearchNode.freshIndex("store");
        Instant t = Instant.now().truncatedTo(ChronoUnit.SECONDS).minusSeconds(60);
        try (OpenSearchConnection connection =
                        OpenSearchConnection.builder(NODE.url()).build();
                OpenSearchAuditSink sink = OpenSearchAuditSink.builder(connection)
                        .index(index)
                        .refresh("true")
                        .build()) {
            sink.write(AuditBatch.ofEvents(List.of(
                    AuditEvent.builder("A")
                            .eventTime(t)
                            .sourceIpAddress("203.0.113.7")
                            .build(),
                    AuditEvent.builder("B")
                            .eventTime(t.plusSeconds(1))
                            .sourceIpAddress("not-an-address")
                            .build())));
            Request mapping = new Request.Builder()
                    .url(connection.url(index + "-*", "_mapping"))
                    .build();
            try (Response response = connection.execute(mapping)) {
                JsonNode body = Json.body(response);
                JsonNode field = body.elements()
                        .next()
                        .path("mappings")
                        .path("properties")
                        .path("sourceIpAddress");
                assertThat(field.path("type").asText()).isEqualTo("keyword");
                assertThat(field.path("fields").path("ip").path("type").asText())
                        .isEqualTo("ip");
            }
            OpenSearchEventStore store =
                    OpenSearchEventStore.builder(connection).index(index).build();
            assertThat(store.lookup(LookupQuery.builder()
                                    .where(Condition.inNetwork("203.0.113.0/24"))
                                    .build())
                            .events())
                    .extracting(AuditEvent::eventName)
                    .containsExactly("A");
            assertThat(store.lookup(LookupQuery.builder()
                                    .where(Condition.inNetwork("203.0.113.0/24").negate())
                                    .build())
                            .events())
                    .as("a value that is no address is in no network")
                    .extracting(AuditEvent::eventName)
                    .containsExactly("B");
        }
    }

    @Test
    void refusesAResourcePrefixHoldingAWildcard() {
        try (OpenSearchConnection connection =
                OpenSearchConnection.builder(NODE.url()).build()) {
            OpenSearchEventStore store = OpenSearchEventStore.builder(connection)
                    .index(OpenSearchNode.freshIndex("store"))
                    .build();
            assertThatThrownBy(() -> store.lookup(LookupQuery.builder()
                            .where(Condition.startsWith(Attribute.RESOURCE, "Ord*"))
                            .build()))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("cannot match a resource prefix holding '*'");
        }
    }
}
