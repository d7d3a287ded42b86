package io.actiontrail.internal;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rate-limited warnings: a failing sink or a stream of bad arguments must not flood the application's log. Each key
 * logs at most once per interval; the next message says how many were suppressed. Thread-safe.
 */
@InternalApi
public final class Warnings {

    private static final Logger LOG = LoggerFactory.getLogger("io.actiontrail");
    private static final long INTERVAL_NANOS = 60_000_000_000L;

    private final ConcurrentHashMap<String, Slot> slots = new ConcurrentHashMap<>();

    public void warn(String key, String message, Throwable... error) {
        Slot slot = slots.computeIfAbsent(key, k -> new Slot());
        long now = System.nanoTime();
        long last = slot.lastLogged.get();
        if ((last != 0 && now - last < INTERVAL_NANOS) || !slot.lastLogged.compareAndSet(last, now == 0 ? 1 : now)) {
            slot.suppressed.incrementAndGet();
            return;
        }
        long suppressed = slot.suppressed.getAndSet(0);
        String text = suppressed == 0 ? message : message + " (" + suppressed + " similar warnings suppressed)";
        if (error.length > 0) {
            LOG.warn(text, error[0]);
        } else {
            LOG.warn(text);
        }
    }

    private static final class Slot {
        final AtomicLong lastLogged = new AtomicLong();
        final AtomicLong suppressed = new AtomicLong();
    }
}
