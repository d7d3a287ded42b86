package io.actiontrail.sink.opensearch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.actiontrail.ActionTrail;
import io.actiontrail.AuditEvent;
import io.actiontrail.Durability;
import io.actiontrail.integrity.Checkpoint;
import io.actiontrail.integrity.CheckpointSigner;
import io.actiontrail.integrity.Integrity;
import io.actiontrail.integrity.SignedNote;
import io.actiontrail.query.LookupQuery;
import io.actiontrail.testsupport.OpenSearchNode;
import io.actiontrail.trail.RetryPolicy;
import io.actiontrail.trail.Trail;
import io.actiontrail.trail.TrailStatus;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The OpenSearch sink inside a real {@link ActionTrail} pipeline against a real node whose index refuses writes for a
 * while (a write block, as a full disk sets): the status shows the cluster's error, nothing is dropped, and once
 * writes are allowed again every event is indexed once and can be looked up through the store.
 */
final class OpenSearchPipelineTest {

    @RegisterExtension
    static final OpenSearchNode NODE = new OpenSearchNode();

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
    void aWriteBlockedIndexKeepsTheBacklogShowsTheErrorAndEverythingArrivesOnceAfterwards() throws Exception {
        String index = OpenSearchNode.freshIndex("pipeline");
        OpenSearchConnection conn = OpenSearchConnection.builder(NODE.url()).build();
        connection = conn;
        OpenSearchAuditSink sink = OpenSearchAuditSink.builder(conn)
                .index(index)
                .batching(OpenSearchAuditSink.DEFAULT_BATCHING
                        .withLinger(Duration.ofMillis(20))
                        .withMaxEvents(7))
                .build();
        sink.ensureTemplate();
        String today = index + "-" + OpenSearchAuditSink.DAY.format(Instant.now());
        NODE.call("PUT", "/" + today, "{\"settings\":{\"index.blocks.write\":true}}");

        ActionTrail trail = ActionTrail.builder()
                .serviceName("orders")
                .durability(Durability.MEMORY)
                .shutdownHook(false)
                .trail(Trail.builder(TRAIL).sink(sink).retryPolicy(FAST_RETRY).build())
                .build();
        actionTrail = trail;
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            AuditEvent event =
                    AuditEvent.builder("Blocked").resource("Order", "o-" + i).build();
            ids.add(event.eventId());
            trail.record(event);
        }

        await().atMost(PATIENCE).untilAsserted(() -> {
            TrailStatus.SinkStatus status = trail.status(TRAIL).sink(OpenSearchAuditSink.DEFAULT_NAME);
            assertThat(status.latestDeliveryErrorCode()).isEqualTo("cluster_block_exception");
            assertThat(status.retries()).isGreaterThanOrEqualTo(2);
            assertThat(status.pending()).isEqualTo(20);
        });
        assertThat(trail.status(TRAIL).sink(OpenSearchAuditSink.DEFAULT_NAME).dropped())
                .isEmpty();

        NODE.call("PUT", "/" + today + "/_settings", "{\"index.blocks.write\":false}");

        await().atMost(PATIENCE).untilAsserted(() -> assertThat(trail.status(TRAIL)
                        .sink(OpenSearchAuditSink.DEFAULT_NAME)
                        .delivered())
                .isEqualTo(20));
        assertThat(trail.status(TRAIL).sink(OpenSearchAuditSink.DEFAULT_NAME).dropped())
                .isEmpty();
        NODE.refresh(index);
        OpenSearchEventStore store =
                OpenSearchEventStore.builder(conn).index(index).build();
        List<String> found =
                store
                        .lookup(LookupQuery.builder()
                                .eventName("Blocked")
                                .maxResults(100)
                                .build())
                        .events()
                        .stream()
                        .map(AuditEvent::eventId)
                        .toList();
        assertThat(found).containsExactlyInAnyOrderElementsOf(ids);
        assertThat(found)
                .as("the same as the journal's own lookup")
                .isEqualTo(
                        trail
                                .lookup(LookupQuery.builder()
                                        .eventName("Blocked")
                                        .maxResults(100)
                                        .build())
                                .events()
                                .stream()
                                .map(AuditEvent::eventId)
                                .toList());
    }

    @Test
    void aTrailWithTamperEvidenceIndexesASignedCheckpointPerBatchAndAtTheCleanStop(@TempDir Path dir) throws Exception {
        String index = OpenSearchNode.freshIndex("evidence");
        OpenSearchConnection conn = OpenSearchConnection.builder(NODE.url()).build();
        connection = conn;
        OpenSearchAuditSink sink = OpenSearchAuditSink.builder(conn)
                .index(index)
                .batching(OpenSearchAuditSink.DEFAULT_BATCHING
                        .withLinger(Duration.ofMillis(20))
                        .withMaxEvents(4))
                .build();
        KeyPair pair = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        CheckpointSigner signer = CheckpointSigner.ed25519("orders.example", pair.getPrivate(), pair.getPublic());
        try (ActionTrail trail = ActionTrail.builder()
                .serviceName("orders")
                .durability(Durability.GROUP)
                .dataDir(dir)
                .shutdownHook(false)
                .integrity(Integrity.builder().signer(signer).build())
                .trail(Trail.builder(TRAIL).sink(sink).retryPolicy(FAST_RETRY).build())
                .build()) {
            for (int i = 0; i < 15; i++) {
                trail.record(
                        AuditEvent.builder("Signed").resource("Order", "o-" + i).build());
            }
            assertThat(trail.flush(PATIENCE)).isTrue();
        }
        NODE.call("POST", "/" + sink.checkpointIndex() + "/_refresh", null);
        JsonNode hits = NODE.call("POST", "/" + sink.checkpointIndex() + "/_search", "{\"size\":1000}")
                .path("hits")
                .path("hits");
        List<Checkpoint> checkpoints = new ArrayList<>();
        for (JsonNode hit : hits) {
            JsonNode source = hit.path("_source");
            SignedNote note = SignedNote.parse(source.path("checkpoint").asText());
            note.verify(signer.verifierKey()); // throws if the signature does not hold
            Checkpoint body = Checkpoint.parse(note.text());
            assertThat(source.path("treeSize").asLong()).isEqualTo(body.size());
            assertThat(source.path("origin").asText()).isEqualTo("orders.example/" + TRAIL + "/opensearch");
            checkpoints.add(body);
        }
        // a batch holds at most four events, and each brings its checkpoint: at least four, then the clean stop's
        assertThat(checkpoints).hasSizeGreaterThanOrEqualTo(5);
        assertThat(checkpoints).extracting(Checkpoint::size).allSatisfy(size -> assertThat(size)
                .isBetween(1L, 15L));
        assertThat(checkpoints)
                .filteredOn(c -> c.extensions().contains("actiontrail-closed"))
                .singleElement()
                .extracting(Checkpoint::size)
                .isEqualTo(15L);
        // the checkpoint index lies outside <index>-*: the store finds events only
        NODE.refresh(index);
        assertThat(OpenSearchEventStore.builder(conn)
                        .index(index)
                        .build()
                        .lookup(LookupQuery.builder().maxResults(100).build())
                        .events())
                .hasSize(15);
    }
}
