package io.actiontrail.sink;

import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A base for sinks: the name and {@link Batching} their builder was given, closing once, and what a sink made for
 * itself (a client, a connection) released when it closes, while what it was lent stays open. A sink extends it and
 * its builder extends {@link Builder}; {@link #write} is the sink's own. Thread-safe as far as the subclass is.
 */
public abstract class AbstractAuditSink implements AuditSink {

    private final String kind;
    private final String name;
    private final Batching batching;
    private final Runnable release;
    private final AtomicBoolean closed = new AtomicBoolean();

    /**
     * Creates the sink from its builder.
     *
     * @param kind what the sink is, for messages, such as {@code "webhook sink"}
     * @param builder the builder, for the name and the batching
     * @param release run once, when the sink closes: closes what the sink made for itself; does nothing for what it
     *     was lent
     */
    protected AbstractAuditSink(String kind, Builder<?> builder, Runnable release) {
        this.kind = Objects.requireNonNull(kind, "kind");
        this.name = builder.name;
        this.batching = builder.batching;
        this.release = Objects.requireNonNull(release, "release");
    }

    /** Returns the name given to the builder. */
    @Override
    public final String name() {
        return name;
    }

    /** Returns the batching given to the builder, else the sink's default. */
    @Override
    public final Batching batching() {
        return batching;
    }

    /** Whether {@link #close()} was called. */
    protected final boolean isClosed() {
        return closed.get();
    }

    /**
     * Fails a {@link #write} after {@link #close()}.
     *
     * @throws IllegalStateException if the sink is closed
     */
    protected final void checkOpen() {
        if (closed.get()) {
            throw new IllegalStateException(kind + " '" + name + "' is closed; write() after close()");
        }
    }

    /** Releases what the sink made for itself; what it was lent stays open. Closing again does nothing. */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            release.run();
        }
    }

    /**
     * Builds a sink: its {@link #name(String) name} and {@link #batching(Batching) batching}, which every sink has.
     * Not thread-safe.
     *
     * @param <B> the builder's own type, returned by its setters
     */
    public abstract static class Builder<B extends Builder<B>> {

        private String name;
        private Batching batching;

        /** Starts with the sink type's default name and batching. */
        protected Builder(String defaultName, Batching defaultBatching) {
            this.name = Objects.requireNonNull(defaultName, "defaultName");
            this.batching = Objects.requireNonNull(defaultBatching, "defaultBatching");
        }

        /**
         * Sets the name in status, metrics and logs, stripped of surrounding blanks.
         *
         * @throws IllegalArgumentException if it is blank
         */
        public final B name(String name) {
            Objects.requireNonNull(name, "name");
            if (name.isBlank()) {
                throw new IllegalArgumentException("name must not be blank: '" + name + "'");
            }
            this.name = name.strip();
            return self();
        }

        /**
         * Sets how events are grouped into the sink's writes; the sink type may refuse batches its destination would
         * (see {@link #check(Batching)}).
         *
         * @throws IllegalArgumentException if the sink type refuses it
         */
        public final B batching(Batching batching) {
            this.batching = check(Objects.requireNonNull(batching, "batching"));
            return self();
        }

        /**
         * Returns {@code batching} if the destination can take such batches; a sink type with limits overrides it.
         *
         * @throws IllegalArgumentException naming the limit, if it cannot
         */
        protected Batching check(Batching batching) {
            return batching;
        }

        /** Returns the name set so far. */
        protected final String name() {
            return name;
        }

        /** Returns the batching set so far. */
        protected final Batching batching() {
            return batching;
        }

        @SuppressWarnings("unchecked") // B is this builder's own type, as its declaration requires
        private B self() {
            return (B) this;
        }
    }
}
