package io.actiontrail.spring.autoconfigure.sink;

import io.actiontrail.integrity.SignedNote;
import io.actiontrail.sink.AuditBatch;
import io.actiontrail.sink.AuditSink;
import io.actiontrail.sink.Batching;
import io.actiontrail.sink.DeliveryException;
import java.util.Objects;

/**
 * A sink that also owns what it was built on, such as a connection the factory created for it and the sink only
 * borrows: {@link #close()} closes the sink, then that resource. Everything else is the sink's own. Thread-safe as the
 * sink is.
 */
final class OwningAuditSink implements AuditSink {

    private final AuditSink sink;
    private final Runnable release;

    /** Wraps {@code sink}; {@code release} closes what the sink was built on, after the sink. */
    OwningAuditSink(AuditSink sink, Runnable release) {
        this.sink = Objects.requireNonNull(sink, "sink");
        this.release = Objects.requireNonNull(release, "release");
    }

    /** Returns the sink that does the writing. */
    AuditSink sink() {
        return sink;
    }

    @Override
    public void write(AuditBatch batch) throws DeliveryException {
        sink.write(batch);
    }

    @Override
    public void writeCheckpoint(SignedNote checkpoint) throws DeliveryException {
        sink.writeCheckpoint(checkpoint);
    }

    @Override
    public Batching batching() {
        return sink.batching();
    }

    @Override
    public String name() {
        return sink.name();
    }

    @Override
    public void close() {
        try {
            sink.close();
        } finally {
            release.run();
        }
    }

    @Override
    public String toString() {
        return sink.toString();
    }
}
