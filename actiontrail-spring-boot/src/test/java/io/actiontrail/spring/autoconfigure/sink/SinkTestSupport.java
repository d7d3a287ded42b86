package io.actiontrail.spring.autoconfigure.sink;

import io.actiontrail.sink.AuditSink;
import org.jspecify.annotations.Nullable;

/** What the sink types' tests share: the sink behind a factory's wrapper, and a failure's messages. */
public final class SinkTestSupport {

    private SinkTestSupport() {}

    /** Whether a factory wrapped the sink to close what it made for it (a transport, a connection) after it. */
    public static boolean ownsResources(AuditSink sink) {
        return sink instanceof OwningAuditSink;
    }

    /** The sink that does the writing, behind the wrapper {@link #ownsResources} tells of. */
    public static AuditSink unwrap(AuditSink sink) {
        return sink instanceof OwningAuditSink owning ? owning.sink() : sink;
    }

    /** The messages of a failure and its causes, one a line. */
    public static String failureMessages(@Nullable Throwable failure) {
        StringBuilder all = new StringBuilder();
        for (Throwable t = failure; t != null; t = t.getCause()) {
            all.append(t.getMessage()).append('\n');
        }
        return all.toString();
    }
}
