package io.actiontrail.spring.autoconfigure.sink.slf4j;

import io.actiontrail.sink.AuditSink;
import io.actiontrail.sink.slf4j.Slf4jAuditSink;
import io.actiontrail.spring.autoconfigure.sink.AbstractSinkFactory;
import io.actiontrail.spring.autoconfigure.sink.SinkDefinition;
import org.slf4j.event.Level;

/** Creates {@code type: slf4j} sinks: {@code logger-name} and {@code level}. Thread-safe. */
final class Slf4jSinkFactory extends AbstractSinkFactory<Slf4jSinkFactory.Settings> {

    static final String TYPE = "slf4j";

    Slf4jSinkFactory() {
        super(TYPE, Settings.class);
    }

    @Override
    protected AuditSink create(SinkDefinition definition, Settings settings) {
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
