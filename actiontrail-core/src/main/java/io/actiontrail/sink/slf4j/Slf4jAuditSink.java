package io.actiontrail.sink.slf4j;

import io.actiontrail.AuditEvent;
import io.actiontrail.UserIdentity;
import io.actiontrail.integrity.SignedNote;
import io.actiontrail.integrity.TrailManifest;
import io.actiontrail.sink.AuditBatch;
import io.actiontrail.sink.AuditRecord;
import io.actiontrail.sink.AuditSink;
import io.actiontrail.sink.Batching;
import io.actiontrail.sink.DeliveryException;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;
import org.slf4j.spi.LoggingEventBuilder;

/**
 * Writes each event to SLF4J as one log record: the message is the event's JSON line, and the main fields are also
 * attached as SLF4J 2 key-value pairs, so structured encoders (logstash-logback-encoder, Log4j2 JSON layouts) index
 * them without parsing the message. The logger is {@value #DEFAULT_LOGGER_NAME} at {@code INFO} unless configured.
 *
 * <p>A logger that is switched off for the configured level would swallow events, so a batch written to it fails
 * permanently: the loss is counted and reported instead of silent.
 *
 * <p>Thread-safe.
 */
public final class Slf4jAuditSink implements AuditSink {

    /** The default logger name. */
    public static final String DEFAULT_LOGGER_NAME = "actiontrail.audit";

    private final Logger logger;
    private final Level level;
    private final Batching batching;

    private Slf4jAuditSink(Builder builder) {
        this.logger = LoggerFactory.getLogger(builder.loggerName);
        this.level = builder.level;
        this.batching = builder.batching;
    }

    /** Returns a sink logging to {@value #DEFAULT_LOGGER_NAME} at {@code INFO}. */
    public static Slf4jAuditSink create() {
        return builder().build();
    }

    /** Returns a builder. */
    public static Builder builder() {
        return new Builder();
    }

    @Override
    public void write(AuditBatch batch) throws DeliveryException {
        if (!logger.isEnabledForLevel(level)) {
            throw DeliveryException.permanent(
                    "logger '" + logger.getName() + "' is not enabled for level " + level + "; events not logged");
        }
        for (AuditRecord record : batch.records()) {
            AuditEvent e = record.event();
            LoggingEventBuilder log = logger.atLevel(level)
                    .addKeyValue("eventId", e.eventId())
                    .addKeyValue("eventTime", e.eventTime().toString())
                    .addKeyValue("eventName", e.eventName());
            log = add(
                    log,
                    "eventType",
                    e.eventType() == null ? null : e.eventType().wireName());
            log = add(log, "eventRW", e.eventRW() == null ? null : e.eventRW().wireName());
            log = add(log, "serviceName", e.serviceName());
            UserIdentity identity = e.userIdentity();
            if (identity != null) {
                log = add(log, "userType", identity.type().wireName());
                log = add(log, "principalId", identity.principalId());
                log = add(log, "userName", identity.userName());
                log = add(log, "accountId", identity.accountId());
            }
            log = add(log, "sourceIpAddress", e.sourceIpAddress());
            log = add(log, "requestId", e.requestId());
            log = add(log, "resourceType", e.resourceType());
            log = add(log, "resourceName", e.resourceName());
            log = add(log, "outcome", e.outcome() == null ? null : e.outcome().wireName());
            log = add(log, "errorCode", e.errorCode());
            log.setMessage(record.json()).log();
        }
        Optional<SignedNote> checkpoint = batch.checkpoint();
        if (checkpoint.isPresent()) {
            logCheckpoint(checkpoint.get());
        }
    }

    /**
     * Logs the checkpoint as one JSON line, {@code {"actiontrailCheckpoint": ...}}, after the events it covers, with the
     * key {@code actiontrailCheckpoint=true}: a log of these messages is a file the trail verifier reads as it is.
     */
    @Override
    public void writeCheckpoint(SignedNote checkpoint) throws DeliveryException {
        if (!logger.isEnabledForLevel(level)) {
            throw DeliveryException.permanent(
                    "logger '" + logger.getName() + "' is not enabled for level " + level + "; checkpoint not logged");
        }
        logCheckpoint(checkpoint);
    }

    private void logCheckpoint(SignedNote checkpoint) {
        logger.atLevel(level)
                .addKeyValue(TrailManifest.CHECKPOINT_LINE_FIELD, "true")
                .setMessage(TrailManifest.checkpointLine(checkpoint))
                .log();
    }

    private static LoggingEventBuilder add(LoggingEventBuilder log, String key, @Nullable String value) {
        return value == null ? log : log.addKeyValue(key, value);
    }

    @Override
    public Batching batching() {
        return batching;
    }

    @Override
    public String name() {
        return "slf4j";
    }

    /** Builds a {@link Slf4jAuditSink}. Not thread-safe. */
    public static final class Builder {
        private String loggerName = DEFAULT_LOGGER_NAME;
        private Level level = Level.INFO;
        private Batching batching = Batching.DEFAULT;

        private Builder() {}

        /** Sets the logger name; defaults to {@value Slf4jAuditSink#DEFAULT_LOGGER_NAME}. */
        public Builder loggerName(String loggerName) {
            Objects.requireNonNull(loggerName, "loggerName");
            if (loggerName.isBlank()) {
                throw new IllegalArgumentException("loggerName must not be blank");
            }
            this.loggerName = loggerName;
            return this;
        }

        /** Sets the level of the log records; defaults to {@code INFO}. */
        public Builder level(Level level) {
            this.level = Objects.requireNonNull(level, "level");
            return this;
        }

        /** Sets how events are grouped before logging; defaults to {@link Batching#DEFAULT}. */
        public Builder batching(Batching batching) {
            this.batching = Objects.requireNonNull(batching, "batching");
            return this;
        }

        /** Returns the sink. */
        public Slf4jAuditSink build() {
            return new Slf4jAuditSink(this);
        }
    }
}
