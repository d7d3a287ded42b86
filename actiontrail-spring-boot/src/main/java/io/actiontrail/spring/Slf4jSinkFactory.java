package io.actiontrail.spring;

import io.actiontrail.sink.AuditSink;
import io.actiontrail.sink.slf4j.Slf4jAuditSink;
import org.slf4j.event.Level;

/** Creates {@code type: slf4j} sinks: {@code logger-name} and {@code level}. Thread-safe. */
final class Slf4jSinkFactory implements AuditSinkFactory {

    static final String TYPE = "slf4j";

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public AuditSink create(SinkDefinition definition) {
        Settings settings = definition.bind(Settings.class);
        Slf4jAuditSink.Builder builder = Slf4jAuditSink.builder().level(settings.getLevel());
        String loggerName = settings.getLoggerName();
        if (loggerName.isBlank()) {
            throw definition.invalid("logger-name", loggerName, "must not be blank");
        }
        return builder.loggerName(loggerName).build();
    }

    /** The settings of an SLF4J sink. Not thread-safe: bound once. */
    static final class Settings {
        /** The logger the events are written to. */
        private String loggerName = Slf4jAuditSink.DEFAULT_LOGGER_NAME;

        /** The level of the log records. */
        private Level level = Level.INFO;

        public String getLoggerName() {
            return loggerName;
        }

        public void setLoggerName(String loggerName) {
            this.loggerName = loggerName;
        }

        public Level getLevel() {
            return level;
        }

        public void setLevel(Level level) {
            this.level = level;
        }
    }
}
