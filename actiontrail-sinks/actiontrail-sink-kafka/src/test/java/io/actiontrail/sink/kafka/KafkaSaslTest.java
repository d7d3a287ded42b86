package io.actiontrail.sink.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.StackTraceElementProxy;
import ch.qos.logback.core.read.ListAppender;
import io.actiontrail.ActionTrail;
import io.actiontrail.AuditEvent;
import io.actiontrail.sink.AuditBatch;
import io.actiontrail.sink.DeliveryException;
import io.actiontrail.trail.RetryPolicy;
import io.actiontrail.trail.Trail;
import io.actiontrail.trail.TrailStatus;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * The Kafka sink against a real broker whose listener takes SASL/PLAIN and authorizes with ACLs: the right credentials
 * deliver; a wrong password and a user without ACLs fail retryably with Kafka's error name, keep the backlog in the
 * journal until the configuration is fixed, and never put a password in a message, the status or a log line (Kafka's
 * own INFO logging included).
 */
final class KafkaSaslTest {

    private static final String WRONG_PASSWORD = "wrongPassw0rd-Never-Shown";
    private static final String TRAIL = "secured";
    private static final RetryPolicy FAST_RETRY =
            new RetryPolicy(Duration.ofMillis(20), Duration.ofMillis(300), 2.0, 0.2);
    private static final Duration PATIENCE = Duration.ofSeconds(60);

    private static KafkaBroker broker;

    @TempDir
    Path journal;

    private String topic;
    private final ListAppender<ILoggingEvent> logs = new ListAppender<>();
    private final Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    private final Logger kafkaLogger = (Logger) LoggerFactory.getLogger("org.apache.kafka");
    private Level kafkaLevel;

    @BeforeAll
    static void startBroker() throws Exception {
        broker = KafkaBroker.startWithSasl();
    }

    @AfterAll
    static void stopBroker() {
        broker.close();
    }

    @BeforeEach
    void createTopicAndCaptureLogs() throws Exception {
        topic = "secured-" + UUID.randomUUID();
        broker.createTopic(topic);
        logs.start();
        root.addAppender(logs);
        // the clients' configuration dumps and connection logs are INFO: they must hide the passwords too
        kafkaLevel = kafkaLogger.getLevel();
        kafkaLogger.setLevel(Level.INFO);
    }

    @AfterEach
    void stopCapturingLogs() {
        kafkaLogger.setLevel(kafkaLevel);
        root.detachAppender(logs);
        logs.stop();
    }

    private KafkaAuditSink.Builder sink(String user, String password) {
        return KafkaAuditSink.builder(broker.bootstrapServers(), topic)
                .sasl("PLAIN", user, password)
                .property("security.protocol", "SASL_PLAINTEXT")
                .deliveryTimeout(Duration.ofSeconds(2))
                .batching(KafkaAuditSink.DEFAULT_BATCHING.withLinger(Duration.ofMillis(20)));
    }

    private static List<AuditEvent> events(String name, int count) {
        List<AuditEvent> events = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            events.add(AuditEvent.builder(name).resource("Secret", "s-" + i).build());
        }
        return events;
    }

    private List<String> readIds() {
        List<String> ids = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> record : broker.readAll(topic)) {
            ids.add(AuditEvent.fromJson(new String(record.value(), StandardCharsets.UTF_8))
                    .eventId());
        }
        return ids;
    }

    /** Every logged message, exception message and stack frame captured so far. */
    private List<String> logged() {
        List<String> lines = new ArrayList<>();
        for (ILoggingEvent event : logs.list) {
            lines.add(event.getFormattedMessage());
            for (IThrowableProxy t = event.getThrowableProxy(); t != null; t = t.getCause()) {
                lines.add(t.getClassName() + ": " + t.getMessage());
                for (StackTraceElementProxy frame : t.getStackTraceElementProxyArray()) {
                    lines.add(frame.getSTEAsString());
                }
            }
        }
        return lines;
    }

    private void assertNoPasswordLogged() {
        List<String> lines = logged();
        assertThat(lines).as("captured log lines").isNotEmpty();
        assertThat(lines).noneSatisfy(line -> assertThat(line).contains(WRONG_PASSWORD));
        assertThat(lines).noneSatisfy(line -> assertThat(line).contains(KafkaBroker.ADMIN_PASSWORD));
        assertThat(lines).noneSatisfy(line -> assertThat(line).contains(KafkaBroker.USER_PASSWORD));
    }

    @Test
    void theRightCredentialsDeliver() throws Exception {
        List<AuditEvent> events = events("Authenticated", 5);
        try (KafkaAuditSink sink =
                sink(KafkaBroker.ADMIN, KafkaBroker.ADMIN_PASSWORD).build()) {
            sink.write(AuditBatch.ofEvents(events));
            assertThat(sink.toString()).doesNotContain(KafkaBroker.ADMIN_PASSWORD);
        }
        assertThat(readIds())
                .containsExactlyElementsOf(
                        events.stream().map(AuditEvent::eventId).toList());
        assertThat(logged())
                .as("Kafka's INFO logging ran, and showed the JAAS configuration hidden")
                .anySatisfy(line -> assertThat(line).contains("sasl.jaas.config = [hidden]"));
        assertNoPasswordLogged();
    }

    @Test
    void aWrongPasswordIsRetryableAndTheBacklogWaitsInTheJournalUntilTheCredentialsAreFixed() {
        List<AuditEvent> events = events("WhileLockedOut", 12);

        // a direct write: retryable, with Kafka's error name, and no password anywhere in the failure
        try (KafkaAuditSink sink = sink(KafkaBroker.ADMIN, WRONG_PASSWORD).build()) {
            assertThatThrownBy(() -> sink.write(AuditBatch.ofEvents(events.subList(0, 2))))
                    .isInstanceOfSatisfying(DeliveryException.class, e -> {
                        assertThat(e.isRetryable()).isTrue();
                        assertThat(e.errorCode()).isEqualTo("SASL_AUTHENTICATION_FAILED");
                        assertThat(e.getMessage())
                                .contains("check the SASL mechanism, user name and password")
                                .doesNotContain(WRONG_PASSWORD);
                        assertThat(String.valueOf(e.getCause())).doesNotContain(WRONG_PASSWORD);
                    });
            assertThat(sink.toString()).doesNotContain(WRONG_PASSWORD);
        }

        // through the pipeline: nothing is dropped, the journal keeps every event
        try (ActionTrail locked = pipeline(sink(KafkaBroker.ADMIN, WRONG_PASSWORD))) {
            events.forEach(locked::record);
            await().atMost(PATIENCE).untilAsserted(() -> {
                TrailStatus.SinkStatus status = locked.status(TRAIL).sink(KafkaAuditSink.DEFAULT_NAME);
                assertThat(status.isFailing()).isTrue();
                assertThat(status.latestDeliveryErrorCode()).isEqualTo("SASL_AUTHENTICATION_FAILED");
                assertThat(status.retries()).isGreaterThanOrEqualTo(2);
                assertThat(status.pending()).isEqualTo(events.size());
            });
            TrailStatus.SinkStatus status = locked.status(TRAIL).sink(KafkaAuditSink.DEFAULT_NAME);
            assertThat(status.dropped()).isEmpty();
            assertThat(status.delivered()).isZero();
            assertThat(status.latestDeliveryError()).doesNotContain(WRONG_PASSWORD);
        }
        assertThat(readIds()).isEmpty();

        // the operator fixes the password and restarts: the backlog waited in the journal and is delivered
        try (ActionTrail fixed = pipeline(sink(KafkaBroker.ADMIN, KafkaBroker.ADMIN_PASSWORD))) {
            await().atMost(PATIENCE).untilAsserted(() -> {
                TrailStatus.SinkStatus status = fixed.status(TRAIL).sink(KafkaAuditSink.DEFAULT_NAME);
                assertThat(status.pending()).isZero();
                assertThat(status.dropped()).isEmpty();
            });
        }
        assertThat(readIds())
                .containsExactlyInAnyOrderElementsOf(
                        events.stream().map(AuditEvent::eventId).toList());
        assertNoPasswordLogged();
    }

    @Test
    void aUserWithoutAWriteAclIsRetryableWithTopicAuthorizationFailed() {
        try (KafkaAuditSink sink =
                sink(KafkaBroker.USER, KafkaBroker.USER_PASSWORD).build()) {
            assertThatThrownBy(() -> sink.write(AuditBatch.ofEvents(events("Unauthorized", 3))))
                    .isInstanceOfSatisfying(DeliveryException.class, e -> {
                        assertThat(e.isRetryable()).isTrue();
                        assertThat(e.errorCode()).isEqualTo("TOPIC_AUTHORIZATION_FAILED");
                        assertThat(e.getMessage())
                                .contains("grant the client's principal WRITE on topic '" + topic + "'")
                                .doesNotContain(KafkaBroker.USER_PASSWORD);
                        assertThat(e.delivered()).isEmpty();
                        assertThat(e.refused()).isEmpty();
                    });
        }
        assertThat(readIds()).isEmpty();
        assertNoPasswordLogged();
    }

    private ActionTrail pipeline(KafkaAuditSink.Builder sink) {
        return ActionTrail.builder()
                .serviceName("vault")
                .dataDir(journal)
                .shutdownTimeout(Duration.ofSeconds(2))
                .trail(Trail.builder(TRAIL)
                        .sink(sink.build())
                        .retryPolicy(FAST_RETRY)
                        .build())
                .build();
    }
}
