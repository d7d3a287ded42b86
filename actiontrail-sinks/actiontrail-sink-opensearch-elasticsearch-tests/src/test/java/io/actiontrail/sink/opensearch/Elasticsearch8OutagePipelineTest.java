package io.actiontrail.sink.opensearch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.actiontrail.ActionTrail;
import io.actiontrail.AuditEvent;
import io.actiontrail.trail.RetryPolicy;
import io.actiontrail.trail.Trail;
import io.actiontrail.trail.TrailStatus;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The sink inside a real {@link ActionTrail} pipeline with a disk journal, against a real Elasticsearch 8 node (the
 * secured one, {@link Elasticsearch8SecuredNode}, with the right password) whose processes are killed while events
 * are being recorded, and which is then started again on the same port with the same data directory.
 *
 * <p>What it proves: while the node is gone, the trail's status shows the connection failure, the backlog is pending
 * and nothing is dropped ({@code recorded = delivered + pending}); once the node is back, the same sink over the same
 * connection delivers the backlog without being told, and every recorded event is indexed exactly once, counting
 * those indexed before the kill (still in the node's data) and any the node indexed without the sink hearing back.
 *
 * <p>What it does not prove: a node that hangs instead of dying (the sink's call timeout), a cluster of several nodes
 * losing one, the application itself restarting during the outage (the journal's side of that is tested with the
 * wrong password in {@link Elasticsearch8SecuredPipelineTest}), or a node that comes back at another address.
 */
final class Elasticsearch8OutagePipelineTest {

    @RegisterExtension
    static final Elasticsearch8SecuredNode NODE = new Elasticsearch8SecuredNode();

    private static final String TRAIL = "search";
    private static final RetryPolicy FAST_RETRY =
            new RetryPolicy(Duration.ofMillis(20), Duration.ofMillis(200), 2.0, 0.2);
    private static final Duration PATIENCE = Duration.ofSeconds(30);

    @TempDir
    Path dataDir;

    private @Nullable ActionTrail actionTrail;
    private @Nullable OpenSearchConnection connection;
    private @Nullable Thread recorder;
    private final AtomicBoolean recording = new AtomicBoolean(true);
    private boolean killed;

    @AfterEach
    void stop() throws Exception {
        recording.set(false);
        if (recorder != null) {
            recorder.join(PATIENCE.toMillis());
        }
        if (actionTrail != null) {
            actionTrail.close(Duration.ofSeconds(2));
        }
        if (connection != null) {
            connection.close();
        }
        if (killed) {
            NODE.startAgain(); // for the other tests of the run
        }
    }

    private static TrailStatus.SinkStatus status(ActionTrail actionTrail) {
        return actionTrail.status(TRAIL).sink(OpenSearchAuditSink.DEFAULT_NAME);
    }

    private static void assertInvariant(TrailStatus.SinkStatus s) {
        assertThat(s.recorded()).isEqualTo(s.delivered() + s.pending() + s.droppedTotal());
    }

    @Test
    void aNodeKilledWhileEventsAreRecordedLosesNothingAndIndexesEachEventOnceWhenBack() throws Exception {
        String index = ElasticsearchNode.freshIndex("outage");
        OpenSearchConnection conn = OpenSearchConnection.builder(NODE.url())
                .basicAuth(Elasticsearch8SecuredNode.USER, Elasticsearch8SecuredNode.PASSWORD)
                .build();
        connection = conn;
        OpenSearchAuditSink sink = OpenSearchAuditSink.builder(conn)
                .index(index)
                .batching(OpenSearchAuditSink.DEFAULT_BATCHING
                        .withLinger(Duration.ofMillis(20))
                        .withMaxEvents(7))
                .build();
        ActionTrail trail = ActionTrail.builder()
                .serviceName("orders")
                .dataDir(dataDir)
                .shutdownHook(false)
                .trail(Trail.builder(TRAIL).sink(sink).retryPolicy(FAST_RETRY).build())
                .build();
        actionTrail = trail;

        List<String> ids = new CopyOnWriteArrayList<>();
        Thread traffic = new Thread(
                () -> {
                    for (int i = 0; recording.get(); i++) {
                        AuditEvent event = AuditEvent.builder("Traffic")
                                .resource("Order", "o-" + i)
                                .build();
                        ids.add(event.eventId());
                        trail.record(event);
                        try {
                            Thread.sleep(5);
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                            return;
                        }
                    }
                },
                "traffic");
        recorder = traffic;
        traffic.start();
        await().atMost(PATIENCE).until(() -> status(trail).delivered() >= 30);

        killed = true;
        NODE.kill();
        await().atMost(PATIENCE).untilAsserted(() -> {
            TrailStatus.SinkStatus status = status(trail);
            assertThat(status.isFailing()).isTrue();
            assertThat(status.latestDeliveryError()).contains("_bulk", "failed before the cluster answered");
            assertThat(status.retries()).isPositive();
        });
        recording.set(false);
        traffic.join(PATIENCE.toMillis());
        assertThat(traffic.isAlive()).isFalse();
        for (int i = 0; i < 10; i++) {
            AuditEvent event = AuditEvent.builder("WhileDown").build();
            ids.add(event.eventId());
            trail.record(event);
        }

        await().atMost(PATIENCE).until(() -> status(trail).recorded() == ids.size());
        TrailStatus.SinkStatus down = status(trail);
        assertThat(down.isFailing()).isTrue();
        assertThat(down.pending()).isGreaterThanOrEqualTo(10);
        assertThat(down.delivered()).isGreaterThanOrEqualTo(30);
        assertThat(down.dropped()).isEmpty();
        assertInvariant(down);

        NODE.startAgain();
        killed = false;
        await().atMost(PATIENCE).untilAsserted(() -> {
            TrailStatus.SinkStatus status = status(trail);
            assertThat(status.delivered()).isEqualTo(ids.size());
            assertThat(status.pending()).isZero();
            assertThat(status.isFailing()).isFalse();
        });
        TrailStatus.SinkStatus after = status(trail);
        assertThat(after.dropped()).isEmpty();
        assertInvariant(after);
        List<String> expected = new ArrayList<>(ids);
        assertThat(NODE.documentIds(index)).as("each event once").containsExactlyInAnyOrderElementsOf(expected);
    }
}
