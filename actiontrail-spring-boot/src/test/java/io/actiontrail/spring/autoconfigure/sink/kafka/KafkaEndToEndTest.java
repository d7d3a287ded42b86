package io.actiontrail.spring.autoconfigure.sink.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.actiontrail.AuditEvent;
import io.actiontrail.sink.kafka.KafkaAuditSink;
import io.actiontrail.spring.autoconfigure.sink.s3.archive.ArchiveApp;
import io.actiontrail.spring.web.WebApps;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * A real web application configured by {@code actiontrail.*} properties only publishes its audit events to a real
 * KRaft broker started by Kafka's own test kit: each event is a record keyed by its resource, with the event's name as
 * a header. A second sink pointed at a topic that does not exist keeps its events pending, not dropped, and the health
 * details say which topic is missing. The SASL password and the JAAS configuration of that sink are masked in
 * {@code /actuator/env} and appear in no log.
 */
@ExtendWith(OutputCaptureExtension.class)
class KafkaEndToEndTest {

    private static final String PASSWORD = "e2eKafkaPassw0rd-Never-Shown";
    private static final String JAAS_PASSWORD = "e2eJaasPassw0rd-Never-Shown";
    private static final String TOPIC = "orders-audit";
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final ObjectMapper JSON = new ObjectMapper();

    private static KafkaClusterTestKit cluster;

    @TempDir
    Path journal;

    @BeforeAll
    static void startBroker() throws Exception {
        // the broker's own logging says nothing this test needs; the application's properties quiet it too
        for (String logger : List.of("kafka", "org.apache.kafka", "state.change.logger")) {
            ((ch.qos.logback.classic.Logger) LoggerFactory.getLogger(logger)).setLevel(Level.WARN);
        }
        cluster = new KafkaClusterTestKit.Builder(new TestKitNodes.Builder()
                        .setCombined(true)
                        .setNumBrokerNodes(1)
                        .setNumControllerNodes(1)
                        .build())
                .setConfigProp("auto.create.topics.enable", "false")
                .setConfigProp("offsets.topic.replication.factor", "1")
                .setConfigProp("transaction.state.log.replication.factor", "1")
                .setConfigProp("group.initial.rebalance.delay.ms", "0")
                .build();
        cluster.format();
        cluster.startup();
        cluster.waitForReadyBrokers();
        try (Admin admin =
                Admin.create(Map.of(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic(TOPIC, 2, (short) 1))).all().get(30, TimeUnit.SECONDS);
        }
    }

    @AfterAll
    static void stopBroker() throws Exception {
        cluster.close(); // once: the test kit refuses a second close
    }

    @Test
    void publishesEventsToKafkaFromPropertiesOnly(CapturedOutput output) throws Exception {
        String jaas = "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"svc\" password=\""
                + JAAS_PASSWORD + "\";";
        try (ConfigurableApplicationContext app = new SpringApplicationBuilder(ArchiveApp.class)
                .properties(
                        "server.port=0",
                        "server.address=127.0.0.1",
                        "spring.application.name=orders",
                        "actiontrail.data-dir=" + journal,
                        "actiontrail.shutdown-timeout=1s",
                        "actiontrail.sinks.stream.type=kafka",
                        "actiontrail.sinks.stream.bootstrap-servers=" + cluster.bootstrapServers(),
                        "actiontrail.sinks.stream.topic=" + TOPIC,
                        "actiontrail.sinks.stream.key=resource",
                        "actiontrail.sinks.stream.properties.compression.type=zstd",
                        "actiontrail.sinks.stream.linger=50ms",
                        "actiontrail.sinks.missing.type=kafka",
                        "actiontrail.sinks.missing.bootstrap-servers=" + cluster.bootstrapServers(),
                        "actiontrail.sinks.missing.topic=no-such-topic",
                        "actiontrail.sinks.missing.delivery-timeout=1s",
                        // credentials the plaintext test listener never asks for, here to be masked
                        "actiontrail.sinks.missing.sasl-mechanism=PLAIN",
                        "actiontrail.sinks.missing.username=svc",
                        "actiontrail.sinks.missing.password=" + PASSWORD,
                        "actiontrail.sinks.missing.properties.security.protocol=PLAINTEXT",
                        "actiontrail.sinks.other.type=kafka",
                        "actiontrail.sinks.other.bootstrap-servers=" + cluster.bootstrapServers(),
                        "actiontrail.sinks.other.topic=" + TOPIC + "-unused",
                        "actiontrail.sinks.other.properties.sasl.jaas.config=" + jaas,
                        "actiontrail.sinks.other.properties.sasl.mechanism=PLAIN",
                        "actiontrail.trails.main.sinks=stream,missing",
                        "actiontrail.trails.spare.sinks=other",
                        "actiontrail.trails.spare.start-logging=false",
                        "logging.level.kafka=warn",
                        "logging.level.org.apache.kafka=warn",
                        // the producers' configuration dumps stay: they must show the secrets hidden
                        "logging.level.org.apache.kafka.common.config.AbstractConfig=info",
                        "management.endpoints.web.exposure.include=health,env",
                        "management.endpoint.health.show-details=always",
                        "management.endpoint.env.show-values=always")
                .run()) {
            int port = WebApps.port(app);
            for (String id : List.of("d-1", "d-2", "d-3")) {
                assertThat(post(port, "/documents/" + id).statusCode()).isEqualTo(200);
            }
            ArchiveApp.RetentionService retention = app.getBean(ArchiveApp.RetentionService.class);
            retention.hold("d-1");
            retention.hold("d-2");

            await().atMost(Duration.ofSeconds(30))
                    .untilAsserted(() -> assertThat(readAll()).hasSize(5));
            List<ConsumerRecord<byte[], byte[]>> records = readAll();
            Map<String, Integer> partitionOfKey = new HashMap<>();
            List<String> names = new ArrayList<>();
            for (ConsumerRecord<byte[], byte[]> record : records) {
                AuditEvent event = AuditEvent.fromJson(new String(record.value(), StandardCharsets.UTF_8));
                names.add(event.eventName());
                String key = new String(record.key(), StandardCharsets.UTF_8);
                assertThat(key).isEqualTo(event.resourceType() + "/" + event.resourceName());
                assertThat(partitionOfKey.merge(key, record.partition(), (a, b) -> a.equals(b) ? a : -1))
                        .as("every event of %s in one partition", key)
                        .isNotNegative();
                Header name = record.headers().lastHeader(KafkaAuditSink.HEADER_EVENT_NAME);
                assertThat(new String(name.value(), StandardCharsets.UTF_8)).isEqualTo(event.eventName());
                assertThat(event.serviceName()).isEqualTo("orders");
            }
            assertThat(names)
                    .containsExactlyInAnyOrder(
                            "CreateDocument", "CreateDocument", "CreateDocument", "PutLegalHold", "PutLegalHold");

            // the missing topic: named in the health details, the events kept, nothing dropped
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                JsonNode missing = JSON.readTree(get(port, "/actuator/health/actionTrail/main"))
                        .path("details")
                        .path("sinks")
                        .path("missing");
                assertThat(missing.path("status").asText()).isEqualTo("FAILING");
                assertThat(missing.path("latestDeliveryErrorCode").asText()).isEqualTo("UNKNOWN_TOPIC_OR_PARTITION");
                assertThat(missing.path("latestDeliveryError").asText())
                        .contains("topic 'no-such-topic' does not exist");
                assertThat(missing.path("pending").asLong()).isEqualTo(5);
                assertThat(missing.path("dropped")).isEmpty();
            });
            JsonNode stream = JSON.readTree(get(port, "/actuator/health/actionTrail/main"))
                    .path("details")
                    .path("sinks")
                    .path("stream");
            assertThat(stream.path("delivered").asLong()).isEqualTo(5);
            assertThat(stream.path("dropped")).isEmpty();

            List<String> shown = new ArrayList<>();
            for (String path : List.of("/actuator/health", "/actuator/health/actionTrail/main", "/actuator/env")) {
                shown.add(get(port, path));
            }
            assertThat(shown.get(2))
                    .as("env shows values, so the test would see a secret")
                    .contains(cluster.bootstrapServers())
                    .contains("actiontrail.sinks.missing.password")
                    .contains("actiontrail.sinks.other.properties.sasl.jaas.config");
            assertThat(shown)
                    .allSatisfy(
                            body -> assertThat(body).doesNotContain(PASSWORD).doesNotContain(JAAS_PASSWORD));
        }
        assertThat(output.getAll())
                .as("the producers logged their configuration, with the JAAS configuration hidden")
                .contains("sasl.jaas.config = [hidden]")
                .doesNotContain(PASSWORD)
                .doesNotContain(JAAS_PASSWORD);
    }

    /** Every record of the topic now, from the beginning. */
    private static List<ConsumerRecord<byte[], byte[]>> readAll() {
        Map<String, Object> config = new HashMap<>();
        config.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers());
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(config)) {
            List<TopicPartition> partitions = List.of(new TopicPartition(TOPIC, 0), new TopicPartition(TOPIC, 1));
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions, Duration.ofSeconds(10));
            List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (!caughtUp(consumer, end) && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
            }
            return records;
        }
    }

    private static boolean caughtUp(KafkaConsumer<byte[], byte[]> consumer, Map<TopicPartition, Long> end) {
        for (Map.Entry<TopicPartition, Long> partition : end.entrySet()) {
            if (consumer.position(partition.getKey(), Duration.ofSeconds(10)) < partition.getValue()) {
                return false;
            }
        }
        return true;
    }

    private static HttpResponse<String> post(int port, String path) throws Exception {
        return HTTP.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                        .POST(HttpRequest.BodyPublishers.noBody())
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static String get(int port, String path) throws Exception {
        return HTTP.send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                                .build(),
                        HttpResponse.BodyHandlers.ofString())
                .body();
    }
}
