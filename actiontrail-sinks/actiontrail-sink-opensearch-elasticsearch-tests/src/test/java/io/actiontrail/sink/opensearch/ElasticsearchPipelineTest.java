package io.actiontrail.sink.opensearch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.actiontrail.ActionTrail;
import io.actiontrail.AuditEvent;
import io.actiontrail.DeliveryListener;
import io.actiontrail.Durability;
import io.actiontrail.query.LookupQuery;
import io.actiontrail.trail.RetryPolicy;
import io.actiontrail.trail.Trail;
import io.actiontrail.trail.TrailStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The sink inside a real {@link ActionTrail} pipeline against a real Elasticsearch node whose index maps a field
 * so that some events cannot be indexed: those are reported as rejected once, with Elasticsearch's error type, and
 * not retried; the trail goes on, and what follows is indexed and found by the store.
 */
abstract class ElasticsearchPipelineTest {

    /** The node the tests run against. */
    abstract ElasticsearchNode node();

    private static final String TRAIL = "search";
    private static final RetryPolicy FAST_RETRY =
            new RetryPolicy(Duration.ofMillis(20), Duration.ofMillis(200), 2.0, 0.2);
    private static final Duration PATIENCE = Duration.ofSeconds(30);

    private @Nullable ActionTrail actionTrail;
    private @Nullable OpenSearchConnection connection;

    @AfterEach
    void stop() {
        if (actionTrail != null) {
            actionTrail.close(Duration.ofSeconds(2));
        }
        if (connection != null) {
            connection.close();
        }
    }

    @Test
    void aMappingConflictIsReportedAsRejectedOnceAndTheTrailGoesOn() throws Exception {
        String index = ElasticsearchNode.freshIndex("pipeline");
        OpenSearchConnection conn = OpenSearchConnection.builder(node().url()).build();
        connection = conn;
        OpenSearchAuditSink sink = OpenSearchAuditSink.builder(conn)
                .index(index)
                .batching(OpenSearchAuditSink.DEFAULT_BATCHING.withLinger(Duration.ofMillis(20)))
                .build();
        sink.ensureTemplate();
        String today = index + "-" + OpenSearchAuditSink.DAY.format(Instant.now());
        node().call("PUT", "/" + today, "{\"mappings\":{\"properties\":{\"resourceName\":{\"type\":\"long\"}}}}");

        ActionTrail trail = ActionTrail.builder()
                .serviceName("orders")
                .durability(Durability.MEMORY)
                .shutdownHook(false)
                .trail(Trail.builder(TRAIL).sink(sink).retryPolicy(FAST_RETRY).build())
                .build();
        actionTrail = trail;
        for (int i = 0; i < 5; i++) {
            trail.record(AuditEvent.builder("Conflicting")
                    .resource("Order", "o-" + i)
                    .build());
        }

        await().atMost(PATIENCE).untilAsserted(() -> {
            TrailStatus.SinkStatus status = trail.status(TRAIL).sink(OpenSearchAuditSink.DEFAULT_NAME);
            assertThat(status.dropped()).isEqualTo(Map.of(DeliveryListener.Dropped.REJECTED, 5L));
            assertThat(status.pending()).isZero();
        });
        TrailStatus.SinkStatus rejected = trail.status(TRAIL).sink(OpenSearchAuditSink.DEFAULT_NAME);
        assertThat(rejected.latestDeliveryErrorCode()).isEqualTo(node().mappingConflictErrorType());
        assertThat(rejected.latestDeliveryError()).contains("5 of 5 events refused");
        assertThat(rejected.retries())
                .as("a refusal for content is not retried")
                .isZero();
        assertThat(rejected.delivered()).isZero();

        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            AuditEvent event = AuditEvent.builder("Fine").build();
            ids.add(event.eventId());
            trail.record(event);
        }
        await().atMost(PATIENCE).untilAsserted(() -> assertThat(trail.status(TRAIL)
                        .sink(OpenSearchAuditSink.DEFAULT_NAME)
                        .delivered())
                .isEqualTo(7));
        TrailStatus.SinkStatus after = trail.status(TRAIL).sink(OpenSearchAuditSink.DEFAULT_NAME);
        assertThat(after.retries()).isZero();
        assertThat(after.droppedTotal()).isEqualTo(5);

        node().refresh(index);
        OpenSearchEventStore store =
                OpenSearchEventStore.builder(conn).index(index).build();
        assertThat(store.lookup(LookupQuery.builder().maxResults(100).build()).events().stream()
                        .map(AuditEvent::eventId)
                        .toList())
                .containsExactlyInAnyOrderElementsOf(ids);
    }
}
