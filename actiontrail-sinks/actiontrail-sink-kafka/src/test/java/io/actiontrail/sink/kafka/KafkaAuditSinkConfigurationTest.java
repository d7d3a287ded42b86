package io.actiontrail.sink.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.actiontrail.AuditEvent;
import io.actiontrail.ConflictingSettingsException;
import io.actiontrail.InvalidSettingException;
import io.actiontrail.sink.AuditBatch;
import io.actiontrail.sink.DeliveryException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;
import javax.security.auth.login.AppConfigurationEntry;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.types.Password;
import org.apache.kafka.common.errors.NotEnoughReplicasException;
import org.apache.kafka.common.security.JaasContext;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

/**
 * What the builder accepts and refuses, the producer configuration it makes, and how the sink treats failures that a
 * real broker cannot be made to produce on demand (a producer in a fatal state, acknowledgements that arrive for some
 * records only, an interrupt): these run against Kafka's own {@link MockProducer}, the rest of the tests against a real
 * broker.
 */
final class KafkaAuditSinkConfigurationTest {

    private static final String SERVERS = "kafka-1.internal:9092, kafka-2.internal:9093";

    /** Creates the producers of a sink and keeps the configuration each was created with. */
    private static final class Producers {
        final List<MockProducer<byte[], byte[]>> created = new ArrayList<>();
        final List<Map<String, Object>> configs = new ArrayList<>();
        boolean autoComplete = true;

        Producer<byte[], byte[]> create(Map<String, Object> config) {
            configs.add(config);
            MockProducer<byte[], byte[]> producer =
                    new MockProducer<>(autoComplete, null, new ByteArraySerializer(), new ByteArraySerializer());
            created.add(producer);
            return producer;
        }
    }

    private static List<AuditEvent> events(int count) {
        List<AuditEvent> events = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            events.add(AuditEvent.builder("Configured" + i).build());
        }
        return events;
    }

    @Test
    void theProducerHasTheSettingsTheGuaranteesNeed() throws Exception {
        Producers producers = new Producers();
        try (KafkaAuditSink sink = KafkaAuditSink.builder(SERVERS, "audit.events_v1")
                .name("audit")
                .property("compression.type", "zstd")
                .property("acks", "-1")
                .property("enable.idempotence", "TRUE")
                .producerFactory(producers::create)
                .build()) {
            assertThat(producers.created)
                    .as("no producer before the first write")
                    .isEmpty();
            sink.write(AuditBatch.ofEvents(events(2)));
            sink.write(AuditBatch.ofEvents(events(1)));
        }
        assertThat(producers.created).hasSize(1);
        assertThat(producers.created.get(0).closed()).isTrue();
        assertThat(producers.created.get(0).history()).hasSize(3);
        assertThat(producers.configs.get(0))
                .containsEntry("bootstrap.servers", "kafka-1.internal:9092,kafka-2.internal:9093")
                .containsEntry("enable.idempotence", "true")
                .containsEntry("acks", "all")
                .containsEntry("delivery.timeout.ms", "30000")
                .containsEntry("max.block.ms", "30000")
                .containsEntry("request.timeout.ms", "15000")
                .containsEntry("client.id", "actiontrail-audit")
                .containsEntry("compression.type", "zstd")
                .containsEntry("key.serializer", ByteArraySerializer.class.getName())
                .containsEntry("value.serializer", ByteArraySerializer.class.getName());
    }

    @Test
    void saslMakesAJaasConfigurationThatKafkaReadsBackExactly() throws Exception {
        String password = "pa\"ss\\word; with=signs";
        Producers producers = new Producers();
        try (KafkaAuditSink sink = KafkaAuditSink.builder(SERVERS, "audit")
                .sasl("scram-sha-512", "actiontrail \"svc\"", password)
                .producerFactory(producers::create)
                .build()) {
            sink.write(AuditBatch.ofEvents(events(1)));
            assertThat(sink.toString()).doesNotContain(password);
        }
        Map<String, Object> config = producers.configs.get(0);
        assertThat(config)
                .containsEntry("sasl.mechanism", "SCRAM-SHA-512")
                .containsEntry("security.protocol", "SASL_SSL");
        Map<String, Object> jaas = new HashMap<>();
        jaas.put("sasl.jaas.config", new Password(String.valueOf(config.get("sasl.jaas.config"))));
        jaas.put("sasl.mechanism", "SCRAM-SHA-512");
        AppConfigurationEntry entry =
                JaasContext.loadClientContext(jaas).configurationEntries().get(0);
        assertThat(entry.getLoginModuleName()).isEqualTo("org.apache.kafka.common.security.scram.ScramLoginModule");
        Map<String, ?> options = entry.getOptions();
        assertThat(options.get("username")).isEqualTo("actiontrail \"svc\"");
        assertThat(options.get("password")).isEqualTo(password);

        // PLAIN, over a protocol the properties choose
        Producers plain = new Producers();
        try (KafkaAuditSink sink = KafkaAuditSink.builder(SERVERS, "audit")
                .property("security.protocol", "SASL_PLAINTEXT")
                .sasl("PLAIN", "u", "p-word")
                .producerFactory(plain::create)
                .build()) {
            sink.write(AuditBatch.ofEvents(events(1)));
        }
        assertThat(plain.configs.get(0))
                .containsEntry("security.protocol", "SASL_PLAINTEXT")
                .containsEntry("sasl.mechanism", "PLAIN");
        assertThat(String.valueOf(plain.configs.get(0).get("sasl.jaas.config")))
                .startsWith("org.apache.kafka.common.security.plain.PlainLoginModule required");
    }

    @Test
    void badArgumentsFailNamingTheValue() {
        assertThatThrownBy(() -> KafkaAuditSink.builder(" ", "audit"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("bootstrapServers must not be blank");
        for (String servers :
                List.of("kafka", "kafka:", "kafka:0", "kafka:70000", "kafka:9092,", "http://kafka:9092")) {
            assertThatThrownBy(() -> KafkaAuditSink.builder(servers, "audit"))
                    .as(servers)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("host:port")
                    .hasMessageContaining(servers);
        }
        assertThat(KafkaAuditSink.builder("[::1]:9092,127.0.0.1:9093", "a")
                        .build()
                        .toString())
                .contains("bootstrapServers=[::1]:9092,127.0.0.1:9093");
        for (String topic : List.of("", ".", "..", "has space", "ü", "x".repeat(250))) {
            assertThatThrownBy(() -> KafkaAuditSink.builder(SERVERS, topic))
                    .as(topic)
                    .isInstanceOfSatisfying(InvalidSettingException.class, e -> assertThat(e.setting())
                            .isEqualTo("topic"))
                    .hasMessageContaining("topic must be");
        }
        assertThatThrownBy(() -> KafkaAuditSink.builder("kafka", "audit"))
                .isInstanceOfSatisfying(InvalidSettingException.class, e -> assertThat(e.setting())
                        .isEqualTo("bootstrapServers"));
        assertThatThrownBy(() -> KafkaAuditSink.builder(SERVERS, "audit").property("acks", "0"))
                .isInstanceOfSatisfying(InvalidSettingException.class, e -> assertThat(e.setting())
                        .isEqualTo("properties"));
        KafkaAuditSink.Builder b = KafkaAuditSink.builder(SERVERS, "audit");
        assertThatThrownBy(() -> b.deliveryTimeout(Duration.ofMillis(999)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("PT0.999S");
        assertThatThrownBy(() -> b.closeTimeout(Duration.ofSeconds(-1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("PT-1S");
        assertThatThrownBy(() -> b.sasl("GSSAPI", "u", "p"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("GSSAPI")
                .hasMessageContaining("SCRAM-SHA-512");
        assertThatThrownBy(() -> b.sasl("PLAIN", " ", "p"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("username");
        assertThatThrownBy(() -> b.sasl("PLAIN", "u", ""))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("password");
    }

    @Test
    void propertiesThatWouldBreakTheGuaranteesAreRefused() {
        KafkaAuditSink.Builder b = KafkaAuditSink.builder(SERVERS, "audit");
        for (String own : List.of(
                "bootstrap.servers", "key.serializer", "value.serializer", "transactional.id", "delivery.timeout.ms")) {
            assertThatThrownBy(() -> b.property(own, "x"))
                    .as(own)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("'" + own + "' is the sink's own");
        }
        assertThatThrownBy(() -> b.property("acks", "1"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("acks");
        assertThatThrownBy(() -> b.property("enable.idempotence", "false"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("enable.idempotence");
        assertThatThrownBy(() -> b.property(" ", "x"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("blank");
        assertThatThrownBy(() -> b.property("linger.ms", "soon"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("linger.ms")
                .hasMessageContaining("soon");
        assertThatThrownBy(() -> b.property("compression.type", "brotli"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("compression.type");
        assertThatThrownBy(() -> b.property("ssl.engine.factory.class", "no.such.EngineFactory"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("could not be found");
        assertThatThrownBy(() -> b.properties(Map.of("batch.size", "-1")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("batch.size");
        // a property Kafka does not know is passed on, as Kafka does for interceptors' and partitioners' settings
        b.property("my.interceptor.setting", "42");
    }

    @Test
    void settingsThatDoNotFitTogetherFailWhenBuilt() {
        assertConflict(
                KafkaAuditSink.builder(SERVERS, "audit")
                        .sasl("PLAIN", "u", "secretValue-Never-Shown")
                        .property("sasl.jaas.config", "x required;"),
                "sasl");
        assertConflict(
                KafkaAuditSink.builder(SERVERS, "audit")
                        .deliveryTimeout(Duration.ofSeconds(2))
                        .property("request.timeout.ms", "5000"),
                "deliveryTimeout");
        assertConflict(KafkaAuditSink.builder(SERVERS, "audit").property("retries", "0"), "properties");
        assertConflict(
                KafkaAuditSink.builder(SERVERS, "audit").property("max.in.flight.requests.per.connection", "6"),
                "properties");
    }

    private static void assertConflict(KafkaAuditSink.Builder builder, String setting) {
        assertThatThrownBy(builder::build).isInstanceOfSatisfying(ConflictingSettingsException.class, e -> {
            assertThat(e.setting()).isEqualTo(setting);
            assertThat(e.getMessage()).doesNotContain("secretValue-Never-Shown");
        });
    }

    @Test
    void aProducerThatCannotBeCreatedIsARetryableFailureWithoutSecrets() throws Exception {
        String secret = "storePassw0rd-Never-Shown";
        List<Integer> attempts = new ArrayList<>();
        Producers producers = new Producers();
        try (KafkaAuditSink sink = KafkaAuditSink.builder(SERVERS, "audit")
                .property("ssl.truststore.password", secret)
                .producerFactory(config -> {
                    attempts.add(1);
                    if (attempts.size() == 1) {
                        throw new KafkaException(
                                "Failed to construct kafka producer",
                                new ConfigException("bad store, password " + secret));
                    }
                    return producers.create(config);
                })
                .build()) {
            assertThatThrownBy(() -> sink.write(AuditBatch.ofEvents(events(1))))
                    .isInstanceOfSatisfying(DeliveryException.class, e -> {
                        assertThat(e.isRetryable()).isTrue();
                        assertThat(e.getMessage())
                                .contains("could not be created")
                                .doesNotContain(secret);
                        assertThat(e.getCause()).isNull();
                    });
            // the next attempt creates it
            sink.write(AuditBatch.ofEvents(events(1)));
        }
        assertThat(attempts).hasSize(2);
    }

    @Test
    void afterAFailureThatMayBreakTheProducerTheNextWriteStartsANewOne() throws Exception {
        Producers producers = new Producers();
        try (KafkaAuditSink sink = KafkaAuditSink.builder(SERVERS, "audit")
                .producerFactory(config -> {
                    Producer<byte[], byte[]> created = producers.create(config);
                    if (producers.created.size() == 1) {
                        producers.created.get(0).sendException = new KafkaException("the producer is in a fatal state");
                    }
                    return created;
                })
                .build()) {
            assertThatThrownBy(() -> sink.write(AuditBatch.ofEvents(events(3))))
                    .isInstanceOfSatisfying(DeliveryException.class, e -> {
                        assertThat(e.isRetryable()).isTrue();
                        assertThat(e.errorCode()).isEqualTo("KafkaException");
                        assertThat(e.getMessage()).contains("3 of 3 events not acknowledged", "fatal state");
                    });
            assertThat(producers.created.get(0).closed()).isTrue();

            sink.write(AuditBatch.ofEvents(events(3)));
        }
        assertThat(producers.created).hasSize(2);
        assertThat(producers.created.get(1).history()).hasSize(3);
    }

    @Test
    void onlyTheRecordsNotAcknowledgedAreLeftForTheRetry() throws Exception {
        Producers producers = new Producers();
        producers.autoComplete = false;
        List<AuditEvent> events = events(3);
        AtomicReference<@Nullable DeliveryException> failure = new AtomicReference<>();
        try (KafkaAuditSink sink = KafkaAuditSink.builder(SERVERS, "audit")
                .producerFactory(producers::create)
                .build()) {
            Thread writer = new Thread(() -> {
                try {
                    sink.write(AuditBatch.ofEvents(events));
                } catch (DeliveryException e) {
                    failure.set(e);
                }
            });
            writer.start();
            await().until(() -> !producers.created.isEmpty()
                    && producers.created.get(0).history().size() == 3);
            MockProducer<byte[], byte[]> producer = producers.created.get(0);
            assertThat(producer.completeNext()).isTrue();
            assertThat(producer.errorNext(new NotEnoughReplicasException("2 in sync, 3 needed")))
                    .isTrue();
            assertThat(producer.completeNext()).isTrue();
            writer.join(10_000);
            assertThat(producer.closed())
                    .as("a retriable failure keeps the producer")
                    .isFalse();
        }
        DeliveryException e = Objects.requireNonNull(failure.get(), "the write did not fail");
        assertThat(e.isRetryable()).isTrue();
        assertThat(e.errorCode()).isEqualTo("NOT_ENOUGH_REPLICAS");
        assertThat(e.delivered())
                .containsExactlyInAnyOrder(
                        events.get(0).eventId(), events.get(2).eventId());
        assertThat(e.refused()).isEmpty();
        assertThat(e.getMessage())
                .contains("1 of 3 events not acknowledged", "(2 acknowledged)", "min.insync.replicas");
    }

    @Test
    void anInterruptedWriteIsRetryableAndKeepsTheInterrupt() throws Exception {
        Producers producers = new Producers();
        producers.autoComplete = false;
        AtomicReference<@Nullable DeliveryException> failure = new AtomicReference<>();
        AtomicReference<@Nullable Boolean> stillInterrupted = new AtomicReference<>();
        try (KafkaAuditSink sink = KafkaAuditSink.builder(SERVERS, "audit")
                .closeTimeout(Duration.ZERO)
                .producerFactory(producers::create)
                .build()) {
            Thread writer = new Thread(() -> {
                try {
                    sink.write(AuditBatch.ofEvents(events(2)));
                } catch (DeliveryException e) {
                    failure.set(e);
                }
                stillInterrupted.set(Thread.currentThread().isInterrupted());
            });
            writer.start();
            await().until(() -> !producers.created.isEmpty()
                    && producers.created.get(0).history().size() == 2);
            writer.interrupt();
            writer.join(10_000);
        }
        DeliveryException e = Objects.requireNonNull(failure.get(), "the write did not fail");
        assertThat(e.isRetryable()).isTrue();
        assertThat(e.delivered()).isEmpty();
        assertThat(stillInterrupted.get()).isTrue();
    }

    @Test
    void secretsAreFoundByKafkasTypeOrByTheirNameAndMaskedInText() {
        Secrets secrets = Secrets.of(Map.of(
                "sasl.jaas.config",
                "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"svc\""
                        + " password=\"jaa\\\"sPass\";",
                "ssl.key.password",
                "keyPass-123",
                "my.custom.token",
                "tok-456",
                "compression.type",
                "zstd",
                "x.password",
                "ab"));
        assertThat(Secrets.isSecret("ssl.truststore.password")).isTrue();
        assertThat(Secrets.isSecret("sasl.jaas.config")).isTrue();
        assertThat(Secrets.isSecret("vendor.api.secret")).isTrue();
        assertThat(Secrets.isSecret("linger.ms")).isFalse();
        assertThat(secrets.mask("failed: jaa\"sPass / jaa\\\"sPass / keyPass-123 / tok-456 / zstd / ab"))
                .isEqualTo("failed: ****** / ****** / ****** / ****** / zstd / ab");
    }
}
