package io.actiontrail.transport.http;

import io.actiontrail.sink.AbstractAuditSink;
import io.actiontrail.sink.Batching;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A base for sinks that send over HTTP: the {@link HttpTransport} their builder was given, which the sink borrows
 * and never closes, or one with the defaults that the sink makes and closes with itself. Thread-safe as far as the
 * subclass is.
 */
public abstract class HttpAuditSink extends AbstractAuditSink {

    private final HttpTransport transport;

    /** Creates the sink from its builder: {@code kind} names it in messages, such as {@code "webhook sink"}. */
    protected HttpAuditSink(String kind, Builder<?> builder) {
        this(kind, builder, TransportLease.of(builder.transport));
    }

    private HttpAuditSink(String kind, Builder<?> builder, TransportLease lease) {
        super(kind, builder, lease::close);
        this.transport = lease.transport();
    }

    /** Returns the transport the sink sends through. */
    public final HttpTransport transport() {
        return transport;
    }

    /**
     * Builds an HTTP sink: the name, the batching and the transport. Not thread-safe.
     *
     * @param <B> the builder's own type, returned by its setters
     */
    public abstract static class Builder<B extends Builder<B>> extends AbstractAuditSink.Builder<B> {

        private @Nullable HttpTransport transport;

        /** Starts with the sink type's default name and batching, and no transport. */
        protected Builder(String defaultName, Batching defaultBatching) {
            super(defaultName, defaultBatching);
        }

        /**
         * Sets the transport to send through (client, timeouts, clock, longest {@code Retry-After}), which the sink
         * borrows and never closes; defaults to {@link HttpTransport#createDefault()}, which the sink closes.
         */
        @SuppressWarnings("unchecked") // B is this builder's own type, as its declaration requires
        public final B transport(HttpTransport transport) {
            this.transport = Objects.requireNonNull(transport, "transport");
            return (B) this;
        }
    }
}
