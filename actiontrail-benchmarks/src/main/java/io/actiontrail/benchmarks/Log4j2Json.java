package io.actiontrail.benchmarks;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.Logger;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.config.builder.api.ConfigurationBuilder;
import org.apache.logging.log4j.core.config.builder.api.ConfigurationBuilderFactory;
import org.apache.logging.log4j.core.config.builder.impl.BuiltConfiguration;
import org.apache.logging.log4j.message.MapMessage;

/**
 * The Log4j2 alternative: an async logger (LMAX Disruptor, default ring buffer and queue-full policy, which is
 * documented to block the caller rather than drop) writing to a {@code File} appender with JSON Template Layout, in a
 * logger context of its own. Used through the Log4j2 API: this module binds SLF4J to Logback. With Disruptor 4 and
 * several logging threads Log4j2 drops events nevertheless while the ring buffer is full: {@link Log4j2DiscardCheck}
 * shows why.
 *
 * <p>Thread-safe: {@link #log} may be called from any thread; {@link #closeAndCountLines} once, after the last call.
 */
final class Log4j2Json {

    /** The fields of Logback's logstash encoder, with the map message as a JSON object. */
    private static final String TEMPLATE = "{\"@timestamp\":{\"$resolver\":\"timestamp\"},"
            + "\"message\":{\"$resolver\":\"message\"},"
            + "\"logger_name\":{\"$resolver\":\"logger\",\"field\":\"name\"},"
            + "\"thread_name\":{\"$resolver\":\"thread\",\"field\":\"name\"},"
            + "\"level\":{\"$resolver\":\"level\",\"field\":\"name\"}}";

    private final LoggerContext context = new LoggerContext("bench-log4j2");
    private final Logger logger;
    private final Path file;

    /** The two ways Log4j2 logs asynchronously. */
    enum Mode {
        /** A mixed async logger on an LMAX Disruptor ring buffer. */
        ASYNC_LOGGER,
        /** A synchronous logger in front of an {@code Async} appender (a blocking queue of 1,024). */
        ASYNC_APPENDER
    }

    Log4j2Json(Path file, Mode mode) {
        this.file = file;
        ConfigurationBuilder<BuiltConfiguration> b = ConfigurationBuilderFactory.newConfigurationBuilder();
        b.setConfigurationName("bench");
        b.setStatusLevel(Level.WARN);
        b.add(b.newAppender("file", "File")
                .addAttribute("fileName", file.toString())
                .add(b.newLayout("JsonTemplateLayout").addAttribute("eventTemplate", TEMPLATE)));
        if (mode == Mode.ASYNC_LOGGER) {
            b.add(b.newAsyncLogger("audit", Level.INFO)
                    .add(b.newAppenderRef("file"))
                    .addAttribute("additivity", false));
        } else {
            b.add(b.newAppender("async", "Async").addComponent(b.newAppenderRef("file")));
            b.add(b.newLogger("audit", Level.INFO)
                    .add(b.newAppenderRef("async"))
                    .addAttribute("additivity", false));
        }
        b.add(b.newRootLogger(Level.ERROR));
        context.start(b.build());
        logger = context.getLogger("audit");
    }

    void log(Map<String, Object> fields) {
        logger.info(new MapMessage<>(fields));
    }

    /** Stops the context, draining the ring buffer, and returns the number of lines written. */
    long closeAndCountLines() {
        context.stop(60, TimeUnit.SECONDS);
        return Fixtures.lines(file);
    }
}
