package io.actiontrail;

import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.Executor;
import org.jspecify.annotations.Nullable;

/**
 * The who and where of the current request: identity, source IP, user agent, request id and channel. Bound to the
 * current thread with {@link #makeCurrent()} in a try-with-resources block, it fills those fields of every event
 * recorded inside that block that does not set them itself. Use the {@code wrap} methods to carry it into work handed
 * to other threads.
 *
 * <pre>{@code
 * try (AuditContext.Scope scope = AuditContext.builder()
 *         .identity(UserIdentity.user("u-42", "alice"))
 *         .sourceIpAddress("203.0.113.7")
 *         .open()) {
 *     orders.create(order);
 * }
 * }</pre>
 *
 * <p>Immutable and thread-safe; the binding to a thread is per thread.
 */
public final class AuditContext {

    private static final AuditContext EMPTY = new AuditContext(new Builder());
    private static final ThreadLocal<AuditContext> CURRENT = new ThreadLocal<>();

    private final @Nullable UserIdentity identity;
    private final @Nullable String sourceIpAddress;
    private final @Nullable String userAgent;
    private final @Nullable String requestId;
    private final @Nullable EventType eventType;

    private AuditContext(Builder builder) {
        this.identity = builder.identity;
        this.sourceIpAddress = builder.sourceIpAddress;
        this.userAgent = builder.userAgent;
        this.requestId = builder.requestId;
        this.eventType = builder.eventType;
    }

    /** Returns a builder for a new context. */
    public static Builder builder() {
        return new Builder();
    }

    /** Returns the context with no values. */
    public static AuditContext empty() {
        return EMPTY;
    }

    /** Returns the context bound to the current thread, or {@link #empty()}. */
    public static AuditContext current() {
        AuditContext context = CURRENT.get();
        return context == null ? EMPTY : context;
    }

    /** Returns a builder initialised with this context's values, to derive a context from it. */
    public Builder toBuilder() {
        return new Builder()
                .identity(identity)
                .sourceIpAddress(sourceIpAddress)
                .userAgent(userAgent)
                .requestId(requestId)
                .eventType(eventType);
    }

    /** Binds this context to the current thread until the returned scope is closed. */
    public Scope makeCurrent() {
        AuditContext previous = CURRENT.get();
        CURRENT.set(this);
        return new Scope(this, previous);
    }

    /** Returns a task that runs {@code task} with the context current now bound to the executing thread. */
    @SuppressWarnings("try") // the scope is used for its close() only
    public static Runnable wrap(Runnable task) {
        Objects.requireNonNull(task, "task");
        AuditContext captured = current();
        return () -> {
            try (Scope scope = captured.makeCurrent()) {
                task.run();
            }
        };
    }

    /** Returns a task that calls {@code task} with the context current now bound to the executing thread. */
    @SuppressWarnings("try") // the scope is used for its close() only
    public static <T> Callable<T> wrap(Callable<T> task) {
        Objects.requireNonNull(task, "task");
        AuditContext captured = current();
        return () -> {
            try (Scope scope = captured.makeCurrent()) {
                return task.call();
            }
        };
    }

    /**
     * Returns an executor that runs each task with the context that was current when the task was submitted.
     */
    public static Executor wrap(Executor executor) {
        Objects.requireNonNull(executor, "executor");
        return task -> executor.execute(wrap(task));
    }

    /** Returns who performs the operations in this context. */
    public @Nullable UserIdentity identity() {
        return identity;
    }

    /** Returns the client's IP address. */
    public @Nullable String sourceIpAddress() {
        return sourceIpAddress;
    }

    /** Returns the client's user agent. */
    public @Nullable String userAgent() {
        return userAgent;
    }

    /** Returns the correlation id of the request. */
    public @Nullable String requestId() {
        return requestId;
    }

    /** Returns the channel the request came through. */
    public @Nullable EventType eventType() {
        return eventType;
    }

    @Override
    public String toString() {
        return "AuditContext{identity=" + identity + ", sourceIpAddress=" + sourceIpAddress + ", userAgent=" + userAgent
                + ", requestId=" + requestId + ", eventType=" + eventType + '}';
    }

    /**
     * The binding of a context to a thread; closing it restores the context that was bound before. Close it on the
     * thread that opened it. Not thread-safe.
     */
    public static final class Scope implements AutoCloseable {
        private final AuditContext context;
        private final @Nullable AuditContext previous;
        private boolean closed;

        private Scope(AuditContext context, @Nullable AuditContext previous) {
            this.context = context;
            this.previous = previous;
        }

        /** Returns the context this scope bound. */
        public AuditContext context() {
            return context;
        }

        /** Restores the previously bound context; closing twice has no further effect. */
        @Override
        public void close() {
            if (closed) {
                return;
            }
            closed = true;
            if (previous == null) {
                CURRENT.remove();
            } else {
                CURRENT.set(previous);
            }
        }
    }

    /** Builds an {@link AuditContext}. Not thread-safe. */
    public static final class Builder {
        private @Nullable UserIdentity identity;
        private @Nullable String sourceIpAddress;
        private @Nullable String userAgent;
        private @Nullable String requestId;
        private @Nullable EventType eventType;

        private Builder() {}

        /** Sets who performs the operations. */
        public Builder identity(@Nullable UserIdentity identity) {
            this.identity = identity;
            return this;
        }

        /** Sets the client's IP address. */
        public Builder sourceIpAddress(@Nullable String sourceIpAddress) {
            this.sourceIpAddress = sourceIpAddress;
            return this;
        }

        /** Sets the client's user agent. */
        public Builder userAgent(@Nullable String userAgent) {
            this.userAgent = userAgent;
            return this;
        }

        /** Sets the correlation id of the request. */
        public Builder requestId(@Nullable String requestId) {
            this.requestId = requestId;
            return this;
        }

        /** Sets the channel, for example {@link EventType#CONSOLE_OPERATION}. */
        public Builder eventType(@Nullable EventType eventType) {
            this.eventType = eventType;
            return this;
        }

        /** Returns the context. */
        public AuditContext build() {
            return new AuditContext(this);
        }

        /** Builds the context and binds it to the current thread; shorthand for {@code build().makeCurrent()}. */
        public Scope open() {
            return build().makeCurrent();
        }
    }
}
