package io.actiontrail.sink.kafka;

import io.actiontrail.AuditEvent;
import io.actiontrail.sink.AuditSink;
import io.actiontrail.test.AuditSinkContract;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;

/**
 * The Kafka sink passes the contract every sink must pass, against a real KRaft broker: each test writes to a topic of
 * its own with one partition, so that the topic keeps the order of delivery, and reads it back with a consumer. The
 * rejecting sink writes to a topic whose {@code max.message.bytes} no event fits in.
 */
final class KafkaAuditSinkContractTest extends AuditSinkContract {

    private static KafkaBroker broker;

    private String topic;

    @BeforeAll
    static void startBroker() throws Exception {
        broker = KafkaBroker.start();
    }

    @AfterAll
    static void stopBroker() throws Exception {
        broker.close();
    }

    @BeforeEach
    void createTopic() throws Exception {
        topic = "contract-" + UUID.randomUUID();
        broker.createTopic(topic);
    }

    @Override
    protected AuditSink createSink() {
        return KafkaAuditSink.builder(broker.bootstrapServers(), topic).build();
    }

    @Override
    protected List<String> deliveredEventIds() {
        List<String> ids = new ArrayList<>();
        for (AuditEvent event : deliveredEvents()) {
            ids.add(event.eventId());
        }
        return ids;
    }

    @Override
    protected List<AuditEvent> deliveredEvents() {
        List<AuditEvent> events = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> record : broker.readAll(topic)) {
            events.add(AuditEvent.fromJson(new String(record.value(), StandardCharsets.UTF_8)));
        }
        return events;
    }

    @Override
    protected AuditSink createUnreachableSink() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        return KafkaAuditSink.builder("127.0.0.1:" + closedPort, topic)
                .deliveryTimeout(Duration.ofSeconds(1))
                .build();
    }

    @Override
    protected AuditSink createRejectingSink() throws Exception {
        String tiny = topic + "-tiny";
        broker.createTopic(tiny, 1, Map.of("max.message.bytes", "64"));
        return KafkaAuditSink.builder(broker.bootstrapServers(), tiny).build();
    }
}
