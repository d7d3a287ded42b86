package io.actiontrail.test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.actiontrail.AuditEvent;
import io.actiontrail.EventRW;
import io.actiontrail.EventType;
import io.actiontrail.InvalidSettingException;
import io.actiontrail.Outcome;
import io.actiontrail.UserIdentity;
import io.actiontrail.format.EventFormats;
import io.actiontrail.sink.AuditBatch;
import io.actiontrail.sink.DeliveryException;
import io.actiontrail.sink.slf4j.Slf4jAuditSink;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.slf4j.event.KeyValuePair;

/** What core's SLF4J sink hands a real Logback: structured key-value pairs, the configured level, loud failure. */
final class Slf4jAuditSinkTest {

    private static final String LOGGER = "actiontrail.audit.sink-test";

    private final Logger logger = (Logger) LoggerFactory.getLogger(LOGGER);
    private final ListAppender<ILoggingEvent> appender = new ListAppender<>();
    private @Nullable Level previousLevel;

    @BeforeEach
    void attachAppender() {
        previousLevel = logger.getLevel();
        logger.setLevel(Level.INFO);
        appender.setContext(logger.getLoggerContext());
        appender.start();
        logger.addAppender(appender);
    }

    @AfterEach
    void restoreLogger() {
        logger.detachAppender(appender);
        appender.stop();
        logger.setLevel(previousLevel);
    }

    @Test
    void logsTheChosenFormatAsTheMessageWithTheSameKeyValuePairs() throws Exception {
        AuditEvent event = AuditEvent.builder("DeleteOrder")
                .serviceName("orders")
                .resource("Order", "o-1001")
                .build();
        Slf4jAuditSink sink = Slf4jAuditSink.builder()
                .loggerName(LOGGER)
                .format(EventFormats.ocsf())
                .build();

        sink.write(AuditBatch.ofEvents(List.of(event)));

        ILoggingEvent logged = appender.list.get(0);
        com.fasterxml.jackson.databind.JsonNode ocsf =
                new com.fasterxml.jackson.databind.ObjectMapper().readTree(logged.getFormattedMessage());
        assertThat(ocsf.get("class_uid").asInt()).isEqualTo(6003);
        assertThat(ocsf.at("/metadata/uid").asText()).isEqualTo(event.eventId());
        assertThat(keyValues(logged)).containsEntry("eventId", event.eventId()).containsEntry("resourceName", "o-1001");
    }

    @Test
    void refusesTheBinaryModeWhichNeedsHeaders() {
        assertThatThrownBy(() -> Slf4jAuditSink.builder().format(EventFormats.cloudEventsBinary()))
                .isInstanceOf(InvalidSettingException.class)
                .hasMessageContaining("cloudevents-binary");
    }

    @Test
    void attachesTheMainFieldsAsKeyValuePairs() throws DeliveryException {
        AuditEvent event = AuditEvent.builder("DeleteOrder")
                .eventTime(Instant.parse("2026-03-14T09:26:53.589Z"))
                .eventType(EventType.API_CALL)
                .eventRW(EventRW.WRITE)
                .serviceName("orders")
                .userIdentity(UserIdentity.builder(UserIdentity.Type.USER)
                        .principalId("u-42")
                        .userName("alice")
                        .accountId("acct-7")
                        .build())
                .sourceIpAddress("203.0.113.7")
                .requestId("req-1")
                .resource("Order", "o-1001")
                .outcome(Outcome.FAILURE)
                .errorCode("OrderLocked")
                .errorMessage("locked")
                .build();

        sinkAt(null).write(AuditBatch.ofEvents(List.of(event)));

        assertThat(appender.list).hasSize(1);
        ILoggingEvent logged = appender.list.get(0);
        assertThat(keyValues(logged))
                .containsExactlyInAnyOrderEntriesOf(Map.ofEntries(
                        Map.entry("eventId", event.eventId()),
                        Map.entry("eventTime", "2026-03-14T09:26:53.589Z"),
                        Map.entry("eventName", "DeleteOrder"),
                        Map.entry("eventType", "ApiCall"),
                        Map.entry("eventRW", "Write"),
                        Map.entry("serviceName", "orders"),
                        Map.entry("userType", "User"),
                        Map.entry("principalId", "u-42"),
                        Map.entry("userName", "alice"),
                        Map.entry("accountId", "acct-7"),
                        Map.entry("sourceIpAddress", "203.0.113.7"),
                        Map.entry("requestId", "req-1"),
                        Map.entry("resourceType", "Order"),
                        Map.entry("resourceName", "o-1001"),
                        Map.entry("outcome", "Failure"),
                        Map.entry("errorCode", "OrderLocked")));
        assertThat(AuditEvent.fromJson(logged.getFormattedMessage())).isEqualTo(event);
        assertThat(logged.getLoggerName()).isEqualTo(LOGGER);
    }

    @Test
    void leavesAbsentFieldsOutOfTheKeyValuePairs() throws DeliveryException {
        AuditEvent event = AuditEvent.builder("Ping").build();

        sinkAt(null).write(AuditBatch.ofEvents(List.of(event)));

        assertThat(appender.list).hasSize(1);
        assertThat(keyValues(appender.list.get(0))).containsOnlyKeys("eventId", "eventTime", "eventName");
    }

    @Test
    void logsOneRecordPerEventInBatchOrder() throws DeliveryException {
        List<AuditEvent> events = List.of(
                AuditEvent.builder("First").build(),
                AuditEvent.builder("Second").build(),
                AuditEvent.builder("Third").build());

        sinkAt(null).write(AuditBatch.ofEvents(events));

        assertThat(appender.list)
                .extracting(logged -> keyValues(logged).get("eventName"))
                .containsExactly("First", "Second", "Third");
    }

    @Test
    void logsAtInfoUnlessAnotherLevelIsConfigured() throws DeliveryException {
        AuditEvent event = AuditEvent.builder("Export").build();

        sinkAt(null).write(AuditBatch.ofEvents(List.of(event)));
        sinkAt(org.slf4j.event.Level.WARN).write(AuditBatch.ofEvents(List.of(event)));
        sinkAt(org.slf4j.event.Level.ERROR).write(AuditBatch.ofEvents(List.of(event)));

        assertThat(appender.list)
                .extracting(ILoggingEvent::getLevel)
                .containsExactly(Level.INFO, Level.WARN, Level.ERROR);
    }

    @Test
    void aLevelBelowTheLoggersThresholdFailsPermanently() throws DeliveryException {
        logger.setLevel(Level.WARN);
        AuditBatch batch =
                AuditBatch.ofEvents(List.of(AuditEvent.builder("Export").build()));

        assertThatThrownBy(() -> sinkAt(org.slf4j.event.Level.INFO).write(batch))
                .isInstanceOfSatisfying(DeliveryException.class, e -> assertThat(e.isRetryable())
                        .isFalse())
                .hasMessageContaining(LOGGER)
                .hasMessageContaining("INFO");
        sinkAt(org.slf4j.event.Level.WARN).write(batch);
        assertThat(appender.list).extracting(ILoggingEvent::getLevel).containsExactly(Level.WARN);
    }

    @Test
    void aLoggerSwitchedOffFailsPermanentlyNamingTheLogger() {
        logger.setLevel(Level.OFF);
        AuditBatch batch =
                AuditBatch.ofEvents(List.of(AuditEvent.builder("Export").build()));

        assertThatThrownBy(() -> sinkAt(null).write(batch))
                .isInstanceOfSatisfying(DeliveryException.class, e -> assertThat(e.isRetryable())
                        .isFalse())
                .hasMessageContaining("'" + LOGGER + "'");
        assertThat(appender.list).isEmpty();
    }

    @Test
    void logsToTheDefaultLoggerUnlessNamed() throws DeliveryException {
        Logger defaultLogger = (Logger) LoggerFactory.getLogger(Slf4jAuditSink.DEFAULT_LOGGER_NAME);
        ListAppender<ILoggingEvent> defaultAppender = new ListAppender<>();
        defaultAppender.setContext(defaultLogger.getLoggerContext());
        defaultAppender.start();
        defaultLogger.addAppender(defaultAppender);
        try {
            Slf4jAuditSink.create()
                    .write(AuditBatch.ofEvents(
                            List.of(AuditEvent.builder("Default").build())));
        } finally {
            defaultLogger.detachAppender(defaultAppender);
            defaultAppender.stop();
        }

        assertThat(defaultAppender.list)
                .extracting(ILoggingEvent::getLoggerName)
                .containsExactly("actiontrail.audit");
        assertThat(appender.list).isEmpty();
    }

    private static Slf4jAuditSink sinkAt(org.slf4j.event.@Nullable Level level) {
        Slf4jAuditSink.Builder builder = Slf4jAuditSink.builder().loggerName(LOGGER);
        if (level != null) {
            builder.level(level);
        }
        return builder.build();
    }

    private static Map<String, @Nullable Object> keyValues(ILoggingEvent logged) {
        List<KeyValuePair> pairs = logged.getKeyValuePairs();
        Map<String, @Nullable Object> values = new LinkedHashMap<>();
        List<String> keys = new ArrayList<>();
        if (pairs != null) {
            for (KeyValuePair pair : pairs) {
                keys.add(pair.key);
                values.put(pair.key, pair.value);
            }
        }
        assertThat(keys).as("keys of the key-value pairs").doesNotHaveDuplicates();
        return values;
    }
}
