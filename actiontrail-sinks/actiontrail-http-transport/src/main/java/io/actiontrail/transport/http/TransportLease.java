package io.actiontrail.transport.http;

import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;

/**
 * The transport a sink or a connection sends through, with who closes it: one the application gave stays open, one
 * made with the defaults for lack of it is closed by {@link #close()}, once. Thread-safe.
 */
public final class TransportLease implements AutoCloseable {

    private final HttpTransport transport;
    private final boolean owned;
    private final AtomicBoolean closed = new AtomicBoolean();

    private TransportLease(HttpTransport transport, boolean owned) {
        this.transport = transport;
        this.owned = owned;
    }

    /** Returns a lease of {@code given}, borrowed, or of a new {@link HttpTransport#createDefault()} when it is null. */
    public static TransportLease of(@Nullable HttpTransport given) {
        return given != null
                ? new TransportLease(given, false)
                : new TransportLease(HttpTransport.createDefault(), true);
    }

    /** Returns a lease of {@code transport}, which {@link #close()} closes. */
    public static TransportLease owning(HttpTransport transport) {
        return new TransportLease(Objects.requireNonNull(transport, "transport"), true);
    }

    /** Returns the transport. */
    public HttpTransport transport() {
        return transport;
    }

    /** Closes the transport if the lease made it; a borrowed one stays open. Closing again does nothing. */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true) && owned) {
            transport.close();
        }
    }

    @Override
    public String toString() {
        return (owned ? "owned " : "borrowed ") + transport;
    }
}
