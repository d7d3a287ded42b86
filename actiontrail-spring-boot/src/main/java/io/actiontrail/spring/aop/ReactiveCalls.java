package io.actiontrail.spring.aop;

import io.actiontrail.AuditContext;
import java.util.concurrent.CancellationException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * An {@code @Audited} method that returns a {@link Mono} or a {@link Flux} has only assembled its work when it returns:
 * the call is what happens when the result is subscribed to. So the call is recorded when the result completes, fails
 * or is cancelled, timed from the subscription, under the audit context the subscriber's Reactor context carries
 * (the WebFlux capture puts the request's there, under the key {@code AuditContext.class}). Loaded only when Reactor
 * is on the classpath (never touch it otherwise: it cannot even be loaded). Stateless and thread-safe.
 */
final class ReactiveCalls {

    private ReactiveCalls() {}

    /** How a deferred call ended: the value of a {@code Mono} (none for a {@code Flux}), or the failure. */
    @FunctionalInterface
    interface End {
        void ended(@Nullable Object value, @Nullable Throwable failure, long startNanos);
    }

    /** Whether the result is one this class defers. */
    static boolean isReactive(@Nullable Object result) {
        return result instanceof Mono<?> || result instanceof Flux<?>;
    }

    /**
     * The result, recording the call once when it ends: completion, error, or cancellation (a
     * {@link CancellationException}, so that a client gone away is not a success). Each subscription is one call.
     */
    static Object deferred(Object result, End end) {
        if (result instanceof Mono<?> mono) {
            return Mono.deferContextual(view -> {
                AuditContext context = view.getOrDefault(AuditContext.class, AuditContext.current());
                long start = System.nanoTime();
                AtomicBoolean done = new AtomicBoolean();
                return mono.doOnSuccess(value -> end(done, context, end, value, null, start))
                        .doOnError(e -> end(done, context, end, null, e, start))
                        .doOnCancel(() -> end(done, context, end, null, cancelled(), start));
            });
        }
        Flux<?> flux = (Flux<?>) result;
        return Flux.deferContextual(view -> {
            AuditContext context = view.getOrDefault(AuditContext.class, AuditContext.current());
            long start = System.nanoTime();
            AtomicBoolean done = new AtomicBoolean();
            return flux.doOnComplete(() -> end(done, context, end, null, null, start))
                    .doOnError(e -> end(done, context, end, null, e, start))
                    .doOnCancel(() -> end(done, context, end, null, cancelled(), start));
        });
    }

    private static CancellationException cancelled() {
        return new CancellationException("cancelled before it completed");
    }

    @SuppressWarnings("try") // the scope is used for its close() only
    private static void end(
            AtomicBoolean done,
            @Nullable AuditContext context,
            End end,
            @Nullable Object value,
            @Nullable Throwable failure,
            long start) {
        if (!done.compareAndSet(false, true)) {
            return;
        }
        // the signal may arrive on any thread: the subscriber's context is bound while the call is recorded
        if (context == null) {
            end.ended(value, failure, start);
            return;
        }
        try (AuditContext.Scope scope = context.makeCurrent()) {
            end.ended(value, failure, start);
        }
    }
}
