package io.actiontrail.sink.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.actiontrail.AuditEvent;
import io.actiontrail.EventType;
import io.actiontrail.UserIdentity;
import io.actiontrail.sink.AuditBatch;
import io.actiontrail.sink.AuditRecord;
import io.actiontrail.sink.DeliveryException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What the Kafka sink puts on a real broker's topic, record by record: values, keys, headers and order; what it refuses
 * and what it keeps for a retry; a topic that does not exist; and that closing releases the producer.
 */
final class KafkaAuditSinkTest {

    private static final Instant BASE_TIME = Instant.parse("2026-03-14T09:26:53.589Z");

    private static KafkaBroker broker;

    @BeforeAll
    static void startBroker() throws Exception {
        broker = KafkaBroker.start();
    }

    @AfterAll
    static void stopBroker() {
        broker.close();
    }

    private static String newTopic(int partitions, Map<String, String> configs) throws Exception {
        String topic = "sink-" + UUID.randomUUID();
        broker.createTopic(topic, partitions, configs);
        return topic;
    }

    private static AuditEvent event(String name, int i) {
        return AuditEvent.builder(name)
                .eventTime(BASE_TIME.plusMillis(i))
                .userIdentity(UserIdentity.user("u-" + i, "user" + i))
                .resource("Order", "o-" + i)
                .requestParameter("index", i)
                .build();
    }

    private static String text(byte @Nullable [] bytes) {
        return bytes == null ? "<null>" : new String(bytes, StandardCharsets.UTF_8);
    }

    private static Map<String, String> headers(ConsumerRecord<byte[], byte[]> record) {
        Map<String, String> headers = new LinkedHashMap<>();
        for (Header header : record.headers()) {
            assertThat(headers).as("header %s appears once", header.key()).doesNotContainKey(header.key());
            headers.put(header.key(), text(header.value()));
        }
        return headers;
    }

    @Test
    void publishesEachJournalLineAsOneRecordKeyedByEventIdWithHeaders() throws Exception {
        String topic = newTopic(1, Map.of());
        UserIdentity tenant = UserIdentity.builder(UserIdentity.Type.USER)
                .principalId("p-7")
                .userName("alice")
                .accountId("acct-42")
                .build();
        List<AuditRecord> records = new ArrayList<>();
        records.add(AuditRecord.of(AuditEvent.builder("CreateOrder")
                .eventTime(BASE_TIME)
                .eventType(EventType.API_CALL)
                .userIdentity(tenant)
                .resource("Order", "o-1")
                .requestParameter("note", "审计 \"quoted\" \n line")
                .build()));
        // no type, no account: those headers are left out
        records.add(
                AuditRecord.of(AuditEvent.builder("Ping").eventTime(BASE_TIME).build()));
        // a journal line as the pipeline reads it, encoded already
        AuditEvent third = event("UpdateOrder", 3);
        records.add(AuditRecord.ofEncoded(
                third.eventId(), third.eventTime(), third.toJson().getBytes(StandardCharsets.UTF_8)));
        AuditBatch batch = AuditBatch.of(records);

        try (KafkaAuditSink sink =
                KafkaAuditSink.builder(broker.bootstrapServers(), topic).build()) {
            sink.write(batch);
        }

        List<ConsumerRecord<byte[], byte[]>> read = broker.readAll(topic);
        assertThat(read).hasSize(3);
        for (int i = 0; i < 3; i++) {
            // byte for byte the line the journal holds, and in journal order
            assertThat(read.get(i).value()).isEqualTo(records.get(i).json().getBytes(StandardCharsets.UTF_8));
            assertThat(text(read.get(i).key())).isEqualTo(records.get(i).eventId());
        }
        assertThat(headers(read.get(0)))
                .containsExactly(
                        Map.entry(KafkaAuditSink.HEADER_EVENT_NAME, "CreateOrder"),
                        Map.entry(KafkaAuditSink.HEADER_EVENT_TYPE, "ApiCall"),
                        Map.entry(KafkaAuditSink.HEADER_TENANT, "acct-42"));
        assertThat(headers(read.get(1))).containsExactly(Map.entry(KafkaAuditSink.HEADER_EVENT_NAME, "Ping"));
        assertThat(headers(read.get(2))).containsEntry(KafkaAuditSink.HEADER_EVENT_NAME, "UpdateOrder");
    }

    @Test
    void keyedByResourceEveryEventOfAResourceLandsInOnePartitionInJournalOrder() throws Exception {
        String topic = newTopic(4, Map.of());
        List<AuditEvent> events = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            events.add(AuditEvent.builder("Step" + i)
                    .eventTime(BASE_TIME.plusMillis(i))
                    .resource("Order", "o-" + (i % 6))
                    .build());
        }
        AuditEvent typeOnly =
                AuditEvent.builder("TypeOnly").resourceType("Order").build();
        AuditEvent nameOnly = AuditEvent.builder("NameOnly").resourceName("o-x").build();
        AuditEvent none = AuditEvent.builder("NoResource").build();
        events.addAll(List.of(typeOnly, nameOnly, none));

        try (KafkaAuditSink sink = KafkaAuditSink.builder(broker.bootstrapServers(), topic)
                .key(RecordKey.RESOURCE)
                .build()) {
            assertThat(sink.key()).isEqualTo(RecordKey.RESOURCE);
            sink.write(AuditBatch.ofEvents(events.subList(0, 30)));
            sink.write(AuditBatch.ofEvents(events.subList(30, events.size())));
        }

        List<ConsumerRecord<byte[], byte[]>> read = broker.readAll(topic);
        assertThat(read).hasSize(events.size());
        Map<String, Integer> partitionOfKey = new HashMap<>();
        Map<String, List<String>> namesByKey = new LinkedHashMap<>();
        Map<String, String> keyByName = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> record : read) {
            String key = text(record.key());
            Integer before = partitionOfKey.putIfAbsent(key, record.partition());
            assertThat(before == null ? record.partition() : before)
                    .as("partition of key %s", key)
                    .isEqualTo(record.partition());
            String name = AuditEvent.fromJson(text(record.value())).eventName();
            namesByKey.computeIfAbsent(key, k -> new ArrayList<>()).add(name);
            keyByName.put(name, key);
        }
        for (int r = 0; r < 6; r++) {
            List<String> expected = new ArrayList<>();
            for (int i = r; i < 60; i += 6) {
                expected.add("Step" + i);
            }
            assertThat(namesByKey.get("Order/o-" + r))
                    .as("events of Order/o-%s", r)
                    .containsExactlyElementsOf(expected);
        }
        assertThat(partitionOfKey.values())
                .as("six resources spread over the partitions")
                .hasSizeGreaterThan(1);
        assertThat(keyByName)
                .containsEntry("TypeOnly", "Order/")
                .containsEntry("NameOnly", "/o-x")
                .containsEntry("NoResource", none.eventId());
    }

    @Test
    void aRecordTooLargeForTheTopicIsRefusedForGoodAndTheRestIsDelivered() throws Exception {
        String topic = newTopic(1, Map.of("max.message.bytes", "2048"));
        List<AuditEvent> events = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            events.add(event("Small", i));
        }
        AuditEvent big = AuditEvent.builder("Big")
                .eventTime(BASE_TIME)
                .requestParameter("blob", "x".repeat(8_000))
                .build();
        events.add(3, big);

        try (KafkaAuditSink sink =
                KafkaAuditSink.builder(broker.bootstrapServers(), topic).build()) {
            assertThatThrownBy(() -> sink.write(AuditBatch.ofEvents(events)))
                    .isInstanceOfSatisfying(DeliveryException.class, e -> {
                        assertThat(e.isRetryable()).isFalse();
                        assertThat(e.errorCode()).isEqualTo("MESSAGE_TOO_LARGE");
                        assertThat(e.refused()).containsExactly(big.eventId());
                        assertThat(e.delivered()).hasSize(6).doesNotContain(big.eventId());
                        assertThat(e.getMessage())
                                .contains("1 of 7 events refused by topic '" + topic + "' as too large")
                                .contains(big.eventId())
                                .contains("max.message.bytes");
                    });
        }

        List<String> names = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> record : broker.readAll(topic)) {
            names.add(AuditEvent.fromJson(text(record.value())).eventId());
        }
        List<String> expected = new ArrayList<>();
        for (AuditEvent event : events) {
            if (!event.equals(big)) {
                expected.add(event.eventId());
            }
        }
        assertThat(names).containsExactlyElementsOf(expected);
    }

    @Test
    void aRecordTooLargeForTheProducerIsRefusedBeforeItIsSent() throws Exception {
        String topic = newTopic(1, Map.of());
        AuditEvent small = event("Small", 1);
        AuditEvent big = AuditEvent.builder("Big")
                .eventTime(BASE_TIME)
                .requestParameter("blob", "y".repeat(4_000))
                .build();

        try (KafkaAuditSink sink = KafkaAuditSink.builder(broker.bootstrapServers(), topic)
                .property("max.request.size", "2048")
                .build()) {
            assertThatThrownBy(() -> sink.write(AuditBatch.ofEvents(List.of(big, small))))
                    .isInstanceOfSatisfying(DeliveryException.class, e -> {
                        assertThat(e.isRetryable()).isFalse();
                        assertThat(e.refused()).containsExactly(big.eventId());
                        assertThat(e.delivered()).containsExactly(small.eventId());
                        assertThat(e.getMessage()).contains("max.request.size");
                    });
        }
        assertThat(broker.readAll(topic)).hasSize(1);
    }

    @Test
    void aMissingTopicIsARetryableFailureNamingItUntilItIsCreated() throws Exception {
        String topic = "missing-" + UUID.randomUUID();
        AuditBatch batch = AuditBatch.ofEvents(List.of(event("Waiting", 1), event("Waiting", 2)));

        try (KafkaAuditSink sink = KafkaAuditSink.builder(broker.bootstrapServers(), topic)
                .deliveryTimeout(Duration.ofSeconds(1))
                .build()) {
            assertThatThrownBy(() -> sink.write(batch)).isInstanceOfSatisfying(DeliveryException.class, e -> {
                assertThat(e.isRetryable()).isTrue();
                assertThat(e.errorCode()).isEqualTo("UNKNOWN_TOPIC_OR_PARTITION");
                assertThat(e.getMessage())
                        .contains("2 of 2 events not acknowledged by topic '" + topic + "'")
                        .contains("topic '" + topic + "' does not exist on the cluster")
                        .contains("create it");
                assertThat(e.delivered()).isEmpty();
                assertThat(e.refused()).isEmpty();
            });

            // the operator creates the topic; the same batch, retried, is delivered
            broker.createTopic(topic);
            sink.write(batch);
        }
        assertThat(broker.readAll(topic)).hasSize(2);
    }

    @Test
    void closeReleasesTheProducerAndItsThread() throws Exception {
        String topic = newTopic(1, Map.of());
        KafkaAuditSink sink = KafkaAuditSink.builder(broker.bootstrapServers(), topic)
                .name("closing")
                .closeTimeout(Duration.ofSeconds(2))
                .build();
        assertThat(producerThreads("actiontrail-closing"))
                .as("no producer before the first write")
                .isEmpty();
        sink.write(AuditBatch.ofEvents(List.of(event("BeforeClose", 1))));
        assertThat(producerThreads("actiontrail-closing")).hasSize(1);

        sink.close();
        sink.close();

        assertThat(producerThreads("actiontrail-closing"))
                .as("producer threads after close")
                .isEmpty();
        assertThatThrownBy(() -> sink.write(AuditBatch.ofEvents(List.of(event("AfterClose", 1)))))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("closed");
        assertThat(broker.readAll(topic)).hasSize(1);
    }

    private static List<String> producerThreads(String clientId) {
        List<String> names = new ArrayList<>();
        for (Thread thread : Thread.getAllStackTraces().keySet()) {
            if (thread.isAlive() && thread.getName().equals("kafka-producer-network-thread | " + clientId)) {
                names.add(thread.getName());
            }
        }
        return names;
    }

    @Test
    void describesItselfWithoutItsProperties() throws Exception {
        String topic = newTopic(1, Map.of());
        try (KafkaAuditSink sink = KafkaAuditSink.builder(broker.bootstrapServers(), topic)
                .name("audit")
                .property("ssl.key.password", "keyPassw0rd-Never-Shown")
                .build()) {
            assertThat(sink.toString())
                    .isEqualTo("KafkaAuditSink{name=audit, bootstrapServers=" + broker.bootstrapServers() + ", topic="
                            + topic + ", key=EVENT_ID}");
            assertThat(sink.topic()).isEqualTo(topic);
            assertThat(sink.name()).isEqualTo("audit");
            assertThat(sink.batching()).isEqualTo(KafkaAuditSink.DEFAULT_BATCHING);
            assertThat(Set.of(sink.key())).containsExactly(RecordKey.EVENT_ID);
        }
    }
}
