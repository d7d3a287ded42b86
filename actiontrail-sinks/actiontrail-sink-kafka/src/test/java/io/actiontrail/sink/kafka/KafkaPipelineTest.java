package io.actiontrail.sink.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.actiontrail.ActionTrail;
import io.actiontrail.AuditEvent;
import io.actiontrail.DeliveryListener;
import io.actiontrail.sink.AuditBatch;
import io.actiontrail.sink.AuditRecord;
import io.actiontrail.test.InMemoryAuditSink;
import io.actiontrail.trail.RetryPolicy;
import io.actiontrail.trail.Trail;
import io.actiontrail.trail.TrailStatus;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Kafka sink inside a real {@link ActionTrail} with a journal on disk, against a real broker that is stopped and
 * started again while events stream in, and a topic that refuses records over 2 KiB. A second sink of the same trail
 * keeps what the pipeline read from the journal, so that every Kafka record is compared with its journal line.
 */
final class KafkaPipelineTest {

    private static final String TRAIL = "stream";
    private static final RetryPolicy FAST_RETRY =
            new RetryPolicy(Duration.ofMillis(20), Duration.ofMillis(300), 2.0, 0.2);
    private static final Duration PATIENCE = Duration.ofSeconds(60);

    private static KafkaBroker broker;

    @TempDir
    Path journal;

    private @Nullable ActionTrail actionTrail;
    private final InMemoryAuditSink journalLines =
            InMemoryAuditSink.builder().name("journal-lines").build();

    @BeforeAll
    static void startBroker() throws Exception {
        broker = KafkaBroker.start();
    }

    @AfterAll
    static void stopBroker() {
        broker.close();
    }

    @AfterEach
    void closeActionTrail() {
        if (actionTrail != null) {
            actionTrail.close(Duration.ofSeconds(5));
        }
    }

    private ActionTrail start(KafkaAuditSink sink) {
        ActionTrail started = ActionTrail.builder()
                .serviceName("orders")
                .dataDir(journal)
                .trail(Trail.builder(TRAIL)
                        .sink(sink)
                        .sink(journalLines)
                        .retryPolicy(FAST_RETRY)
                        .build())
                .build();
        actionTrail = started;
        return started;
    }

    private static KafkaAuditSink.Builder sink(String topic) {
        return KafkaAuditSink.builder(broker.bootstrapServers(), topic)
                .deliveryTimeout(Duration.ofSeconds(2))
                .batching(KafkaAuditSink.DEFAULT_BATCHING.withMaxEvents(25).withLinger(Duration.ofMillis(20)));
    }

    private static List<String> record(ActionTrail actionTrail, String name, int count) {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            AuditEvent event = AuditEvent.builder(name)
                    .resource("Order", name + "-" + i)
                    .requestParameter("index", i)
                    .build();
            ids.add(event.eventId());
            actionTrail.record(event);
        }
        return ids;
    }

    private static TrailStatus.SinkStatus status(ActionTrail actionTrail) {
        return actionTrail.status(TRAIL).sink(KafkaAuditSink.DEFAULT_NAME);
    }

    /** The JSON line of each event as the pipeline read it from the journal, by event id. */
    private Map<String, String> journalLinesById() {
        Map<String, String> lines = new HashMap<>();
        for (AuditBatch batch : journalLines.batches()) {
            for (AuditRecord record : batch.records()) {
                lines.put(record.eventId(), record.json());
            }
        }
        return lines;
    }

    @Test
    void brokerStoppedAndRestartedMidStreamLosesNothingAndDuplicatesOnlyRepeatAnEvent() throws Exception {
        String topic = "stream-" + UUID.randomUUID();
        broker.createTopic(topic, 2, Map.of());
        ActionTrail trail = start(sink(topic).build());
        List<String> recorded = new ArrayList<>(record(trail, "BeforeOutage", 100));
        await().atMost(PATIENCE).until(() -> status(trail).delivered() > 0);

        // stopped while the first events are still being shipped, and more come in while it is down
        broker.stopBroker();
        try {
            recorded.addAll(record(trail, "DuringOutage", 150));
            await().atMost(PATIENCE).untilAsserted(() -> {
                TrailStatus.SinkStatus status = status(trail);
                assertThat(status.isFailing()).isTrue();
                assertThat(status.retries()).isPositive();
                assertThat(status.pending()).isPositive();
                assertThat(status.latestDeliveryError()).contains("not acknowledged by topic '" + topic + "'");
                assertThat(status.latestDeliveryErrorCode()).isEqualTo("REQUEST_TIMED_OUT");
            });
            assertThat(status(trail).dropped())
                    .as("dropped while the broker is down")
                    .isEmpty();
        } finally {
            broker.restartBroker();
        }
        recorded.addAll(record(trail, "AfterOutage", 50));

        await().atMost(PATIENCE).untilAsserted(() -> {
            TrailStatus.SinkStatus status = status(trail);
            assertThat(status.delivered()).isEqualTo(recorded.size());
            assertThat(status.pending()).isZero();
        });
        TrailStatus.SinkStatus status = status(trail);
        assertThat(status.dropped()).isEmpty();
        assertThat(status.isFailing()).isFalse();

        await().atMost(PATIENCE).until(() -> journalLines.size() >= recorded.size());
        Map<String, String> lines = journalLinesById();
        List<ConsumerRecord<byte[], byte[]>> read = broker.readAll(topic);
        Set<String> readIds = new HashSet<>();
        for (ConsumerRecord<byte[], byte[]> record : read) {
            String value = new String(record.value(), StandardCharsets.UTF_8);
            String id = AuditEvent.fromJson(value).eventId();
            readIds.add(id);
            // a record delivered twice is the same event: same key, same journal line
            assertThat(new String(record.key(), StandardCharsets.UTF_8)).isEqualTo(id);
            assertThat(value).as("record of %s", id).isEqualTo(lines.get(id));
        }
        assertThat(readIds).as("every recorded event is on the topic").containsExactlyInAnyOrderElementsOf(recorded);
        assertThat(read.size()).as("records, duplicates included").isGreaterThanOrEqualTo(recorded.size());
    }

    @Test
    void anEventTooLargeForTheTopicIsDroppedCountedAndReportedWhileTheOthersArrive() throws Exception {
        String topic = "limited-" + UUID.randomUUID();
        broker.createTopic(topic, 1, Map.of("max.message.bytes", "2048"));
        List<DeliveryListener.Dropped> drops = new ArrayList<>();
        ActionTrail trail = ActionTrail.builder()
                .serviceName("orders")
                .dataDir(journal)
                .trail(Trail.builder(TRAIL)
                        .sink(sink(topic).build())
                        .retryPolicy(FAST_RETRY)
                        .build())
                .deliveryListener(new DeliveryListener() {
                    @Override
                    public void onDropped(Dropped dropped) {
                        synchronized (drops) {
                            drops.add(dropped);
                        }
                    }
                })
                .build();
        actionTrail = trail;

        List<String> small = new ArrayList<>(record(trail, "Small", 5));
        AuditEvent big = AuditEvent.builder("Big")
                .resource("Document", "d-1")
                .requestParameter("body", "z".repeat(6_000))
                .build();
        trail.record(big);
        small.addAll(record(trail, "Small", 5));

        await().atMost(PATIENCE).untilAsserted(() -> {
            TrailStatus.SinkStatus status = status(trail);
            assertThat(status.delivered()).isEqualTo(10);
            assertThat(status.dropped()).containsExactly(Map.entry(DeliveryListener.Dropped.REJECTED, 1L));
            assertThat(status.pending()).isZero();
        });
        assertThat(status(trail).latestDeliveryErrorCode()).isEqualTo("MESSAGE_TOO_LARGE");
        synchronized (drops) {
            assertThat(drops).singleElement().satisfies(d -> {
                assertThat(d.events()).isEqualTo(1);
                assertThat(d.reason()).isEqualTo(DeliveryListener.Dropped.REJECTED);
                assertThat(d.detail()).contains(big.eventId()).contains("too large");
            });
        }
        List<String> readIds = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> record : broker.readAll(topic)) {
            readIds.add(AuditEvent.fromJson(new String(record.value(), StandardCharsets.UTF_8))
                    .eventId());
        }
        assertThat(readIds).containsExactlyElementsOf(small);
    }
}
