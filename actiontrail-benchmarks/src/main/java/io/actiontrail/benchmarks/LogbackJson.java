package io.actiontrail.benchmarks;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.util.LogbackMDCAdapter;
import ch.qos.logback.core.AsyncAppenderBase;
import ch.qos.logback.core.FileAppender;
import java.nio.file.Path;
import java.util.Map;
import net.logstash.logback.encoder.LogstashEncoder;
import net.logstash.logback.marker.Markers;

/**
 * The Logback alternative: {@code AsyncAppender} in front of a {@code FileAppender} with logstash-logback-encoder,
 * in a logger context of its own so that nothing else logs through it.
 *
 * <p>{@link Settings#DEFAULT} keeps Logback's defaults (queue of 256, events of level INFO and below discarded once
 * the queue is 80 % full); {@link Settings#LOSSLESS} sets {@code discardingThreshold=0} and {@code neverBlock=false},
 * so a full queue blocks the caller instead.
 *
 * <p>Thread-safe: {@link #log} may be called from any thread; {@link #close} once, after the last call.
 */
final class LogbackJson implements AutoCloseable {

    /** The two configurations measured. */
    enum Settings {
        DEFAULT,
        LOSSLESS
    }

    private final LoggerContext context = new LoggerContext();
    private final Logger logger;
    private final Path file;

    LogbackJson(Path file, Settings settings) {
        this.file = file;
        context.setName("bench-logback");
        // a context not created by SLF4J's binding has no MDC adapter; appending fails without one
        context.setMDCAdapter(new LogbackMDCAdapter());
        context.start();
        LogstashEncoder encoder = new LogstashEncoder();
        encoder.setContext(context);
        encoder.start();
        FileAppender<ILoggingEvent> fileAppender = new FileAppender<>();
        fileAppender.setContext(context);
        fileAppender.setName("file");
        fileAppender.setFile(file.toString());
        fileAppender.setEncoder(encoder);
        fileAppender.start();
        ch.qos.logback.classic.AsyncAppender async = new ch.qos.logback.classic.AsyncAppender();
        async.setContext(context);
        async.setName("async");
        if (settings == Settings.LOSSLESS) {
            async.setDiscardingThreshold(0);
            async.setNeverBlock(false);
        }
        // only at shutdown: wait for the queue to drain so that the lines in the file count what was kept
        async.setMaxFlushTime(60_000);
        async.addAppender(fileAppender);
        async.start();
        logger = context.getLogger("audit");
        logger.setLevel(Level.INFO);
        logger.setAdditive(false);
        logger.addAppender(async);
        if (async.getQueueSize() != AsyncAppenderBase.DEFAULT_QUEUE_SIZE) {
            throw new IllegalStateException("unexpected queue size " + async.getQueueSize());
        }
    }

    void log(Map<String, Object> fields) {
        logger.info(Markers.appendEntries(fields), "CreateOrder");
    }

    /** Stops the context, draining the queue, and returns the number of lines written. */
    long closeAndCountLines() {
        context.stop();
        if (new ch.qos.logback.core.status.StatusUtil(context).getHighestLevel(0)
                >= ch.qos.logback.core.status.Status.ERROR) {
            throw new IllegalStateException(
                    "Logback reported errors: " + context.getStatusManager().getCopyOfStatusList());
        }
        return Fixtures.lines(file);
    }

    @Override
    public void close() {
        context.stop();
    }
}
