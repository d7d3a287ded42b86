package io.actiontrail.spring.autoconfigure.sink.slf4j;

import io.actiontrail.format.EventFormats;
import io.actiontrail.sink.AuditSink;
import io.actiontrail.sink.slf4j.Slf4jAuditSink;
import io.actiontrail.spring.autoconfigure.sink.SinkDefinition;
import io.actiontrail.spring.autoconfigure.sink.SinkSettings;
import org.jspecify.annotations.Nullable;
import org.slf4j.event.Level;

/** The settings of {@code type: slf4j} sinks: {@code logger-name}, {@code level} and {@code format}. Bound once, then only read: not thread-safe. */
final class Slf4jSinkSettings implements SinkSettings {
    /** The logger the events are written to. */
    private String loggerName = Slf4jAuditSink.DEFAULT_LOGGER_NAME;

    /** The level of the log records. */
    private Level level = Level.INFO;

    /** The format of the log message: actiontrail (the default, the journal's JSON line), ocsf, cloudevents or cloudtrail. */
    private @Nullable String format;

    public @Nullable String getFormat() {
        return format;
    }

    public void setFormat(@Nullable String format) {
        this.format = format;
    }

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

    @Override
    public AuditSink create(SinkDefinition definition) {
        Slf4jAuditSink.Builder builder = Slf4jAuditSink.builder().level(getLevel());
        String loggerName = getLoggerName();
        if (loggerName.isBlank()) {
            throw definition.invalid("logger-name", loggerName, "must not be blank");
        }
        definition.apply("format", getFormat(), v -> builder.format(EventFormats.named(v)));
        return builder.loggerName(loggerName).build();
    }
}
