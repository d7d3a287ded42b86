package io.actiontrail.test;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.actiontrail.AuditEvent;
import io.actiontrail.sink.AuditSink;
import io.actiontrail.sink.Batching;
import io.actiontrail.sink.slf4j.Slf4jAuditSink;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.slf4j.LoggerFactory;

/**
 * Core's SLF4J sink passes the contract, read back from a real Logback appender on its logger. The logger has no
 * notion of being unreachable; a logger switched off is its permanent rejection.
 */
final class Slf4jAuditSinkContractTest extends AuditSinkContract {

    private static final String SWITCHED_OFF_LOGGER = Slf4jAuditSink.DEFAULT_LOGGER_NAME + ".contract-off";

    private final Logger auditLogger = (Logger) LoggerFactory.getLogger(Slf4jAuditSink.DEFAULT_LOGGER_NAME);
    private final Logger switchedOffLogger = (Logger) LoggerFactory.getLogger(SWITCHED_OFF_LOGGER);
    private final ListAppender<ILoggingEvent> appender = new ListAppender<>();
    private @Nullable Level auditLevel;
    private @Nullable Level switchedOffLevel;

    @BeforeEach
    void attachAppender() {
        auditLevel = auditLogger.getLevel();
        switchedOffLevel = switchedOffLogger.getLevel();
        auditLogger.setLevel(Level.INFO);
        appender.setContext(auditLogger.getLoggerContext());
        appender.start();
        auditLogger.addAppender(appender);
    }

    @AfterEach
    void detachAppender() {
        auditLogger.detachAppender(appender);
        appender.stop();
        auditLogger.setLevel(auditLevel);
        switchedOffLogger.setLevel(switchedOffLevel);
    }

    @Override
    protected AuditSink createSink() {
        return Slf4jAuditSink.builder()
                .batching(Batching.DEFAULT.withMaxEvents(LARGE_BATCH_EVENTS))
                .build();
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
        for (ILoggingEvent logged : List.copyOf(appender.list)) {
            events.add(AuditEvent.fromJson(logged.getFormattedMessage()));
        }
        return events;
    }

    @Override
    protected AuditSink createRejectingSink() {
        switchedOffLogger.setLevel(Level.OFF);
        return Slf4jAuditSink.builder().loggerName(SWITCHED_OFF_LOGGER).build();
    }
}
